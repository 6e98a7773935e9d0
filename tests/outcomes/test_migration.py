"""Migration 0019: outcomes, deliveries to signatures and stopped news, up and down, keeping
every delivery to a subscriber."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, table, text
from sqlalchemy.exc import IntegrityError

from campaign.db import UTCDateTime
from campaign.extensions import db
from tests.scratch import scratch_app, stamped_table

BEFORE, THIS = "0018_explainer_schedule", "0019_petition_outcomes"
MOMENT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}


CAMPAIGNS = stamped_table("campaigns", "id", "slug", "title", "summary", "language", "status")
PETITION_COLUMNS = ("id", "campaign_id", "slug", "title", "target", "body", "body_html")
PETITIONS = stamped_table(
    "petitions", *PETITION_COLUMNS, "thank_you_text", "goal", "ask_postcode", "status",
    "counted_signatures",
)  # fmt: skip
SIGNATURES = table(
    "signatures",
    *(column(name) for name in ("id", "petition_id", "name", "email", "country", "postcode")),
    *(column(name) for name in ("comment", "comment_status", "show_name", "subscribe")),
    *(column(name) for name in ("consent_text", "source", "utm", "ip_hash", "language")),
    *(column(name) for name in ("status", "counted", "emails_sent")),
    column("created_at", UTCDateTime()),
)
SUBSCRIBERS = stamped_table(
    "subscribers", "id", "email", "name", "language", "status", "consent_source", "consent_text"
)
UPDATES = stamped_table(
    "updates", "id", "slug", "subject", "preheader", "body", "body_html", "language",
    "audience_kind", "audience_language", "audience_country", "status", "publish_on_site",
)  # fmt: skip
DELIVERIES = stamped_table(
    "deliveries", "id", "update_id", "subscriber_id", "status", "attempts", "unsubscribed",
    stamped=False,
)  # fmt: skip


@pytest.fixture
def scratch(tmp_path):
    with scratch_app("petition_outcomes", tmp_path) as app:
        yield app


def an_update(number: int, kind: str) -> dict:
    return {
        "id": number,
        "slug": f"news-{number}",
        "subject": "News",
        "preheader": "",
        "body": "",
        "body_html": "",
        "language": "en",
        "audience_kind": kind,
        "audience_language": "",
        "audience_country": "",
        "status": "sent",
        "publish_on_site": False,
    } | STAMPS


def a_delivery(number: int, update_id: int, **recipient) -> dict:
    return {
        "id": number,
        "update_id": update_id,
        "status": "sent",
        "attempts": 0,
        "unsubscribed": False,
    } | recipient


def test_0019_upgrades_and_downgrades_keeping_every_delivery_to_a_subscriber(scratch):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        connection.execute(
            CAMPAIGNS.insert(),
            [{"id": 1, "slug": "c", "title": "C", "summary": "", "language": "en"}
             | {"status": "live"} | STAMPS],
        )  # fmt: skip
        connection.execute(
            PETITIONS.insert(),
            [{"id": 1, "campaign_id": 1, "slug": "p", "title": "P", "target": "T", "body": ""}
             | {"body_html": "", "thank_you_text": "", "goal": 10, "ask_postcode": False}
             | {"status": "open", "counted_signatures": 0} | STAMPS],
        )  # fmt: skip
        connection.execute(
            SIGNATURES.insert(),
            [{"id": 1, "petition_id": 1, "name": "A", "email": "a@example.org", "country": "GB"}
             | {"postcode": "", "comment": "", "comment_status": "none", "show_name": False}
             | {"subscribe": False, "consent_text": "", "source": "", "utm": "{}"}
             | {"ip_hash": "", "language": "en", "status": "confirmed", "counted": True}
             | {"emails_sent": 1, "created_at": MOMENT}],
        )  # fmt: skip
        connection.execute(
            SUBSCRIBERS.insert(),
            [{"id": 1, "email": "s@example.org", "name": "", "language": "en"}
             | {"status": "active", "consent_source": "", "consent_text": ""} | STAMPS],
        )  # fmt: skip
        connection.execute(UPDATES.insert(), [an_update(1, "all")])
        connection.execute(DELIVERIES.insert(), [a_delivery(1, 1, subscriber_id=1)])

    upgrade(revision=THIS)

    assert "petition_outcomes" in inspect(db.engine).get_table_names()
    with db.engine.begin() as connection:
        connection.execute(UPDATES.insert(), [an_update(2, "signers")])
        connection.execute(
            text(
                "INSERT INTO deliveries (id, update_id, signature_id, status, attempts, "
                "unsubscribed) VALUES (2, 2, 1, 'sent', 0, false)"
            )
        )
    for subscriber_id, signature_id in ((1, 1), (None, None)):  # both, or neither
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO deliveries (id, update_id, subscriber_id, signature_id, status, "
                    "attempts, unsubscribed) VALUES (3, 2, :subscriber, :signature, 'sent', 0, "
                    "false)"
                ),
                {"subscriber": subscriber_id, "signature": signature_id},
            )
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # one per signature
        connection.execute(
            text(
                "INSERT INTO deliveries (id, update_id, signature_id, status, attempts, "
                "unsubscribed) VALUES (4, 2, 1, 'queued', 0, false)"
            )
        )

    downgrade(revision=BEFORE)

    tables = set(inspect(db.engine).get_table_names())
    assert "petition_outcomes" not in tables
    columns = {each["name"] for each in inspect(db.engine).get_columns("deliveries")}
    assert "signature_id" not in columns
    with db.engine.connect() as connection:
        kept = connection.execute(text("SELECT id, subscriber_id FROM deliveries")).all()
        updates = connection.execute(text("SELECT id FROM updates ORDER BY id")).all()
    assert kept == [(1, 1)] and updates == [(1,)]

    upgrade()
    columns = {each["name"] for each in inspect(db.engine).get_columns("signatures")}
    assert "news_stopped_at" in columns
