"""Migration 0015: petitions note when their signatures were anonymised, outbox rows when their
words were removed; both upgrade and downgrade keep every row."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, table, text

from campaign import create_app
from campaign.db import UTCDateTime
from campaign.extensions import db
from config import TestingConfig
from tests.scratch import scratch_database

MOMENT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}
CAMPAIGNS = table(
    "campaigns",
    *(column(name) for name in ("id", "slug", "title", "summary", "language", "status")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
PETITIONS = table(
    "petitions",
    *(column(name) for name in ("id", "campaign_id", "slug", "title", "target", "body")),
    *(column(name) for name in ("body_html", "thank_you_text", "goal", "ask_postcode")),
    *(column(name) for name in ("status", "counted_signatures")),
    *(column(name, UTCDateTime()) for name in ("closed_at", *STAMPS)),
)
OUTBOX = table(
    "outbound_emails",
    *(column(name) for name in ("id", "template", "to_address", "subject", "text_body")),
    *(column(name) for name in ("html_body", "headers", "status", "attempts")),
    *(column(name, UTCDateTime()) for name in ("next_attempt_at", *STAMPS)),
)
BEFORE, AFTER = "0014_people", "0015_retention"


@pytest.fixture
def scratch_app(tmp_path):
    with scratch_database("retention", tmp_path) as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def columns(name: str) -> set[str]:
    return {each["name"] for each in inspect(db.engine).get_columns(name)}


def indexes(name: str) -> set[str]:
    return {each["name"] for each in inspect(db.engine).get_indexes(name)}


def test_0015_upgrades_and_downgrades_keeping_every_row(scratch_app):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        connection.execute(
            CAMPAIGNS.insert().values(
                id=1, slug="c", title="C", summary="", language="en", status="live", **STAMPS
            )
        )
        connection.execute(
            PETITIONS.insert().values(
                id=1, campaign_id=1, slug="p", title="P", target="T", body="", body_html="",
                thank_you_text="", goal=100, ask_postcode=False, status="closed",
                counted_signatures=3, closed_at=MOMENT, **STAMPS,
            )
        )  # fmt: skip
        connection.execute(
            OUTBOX.insert().values(
                id=1, template="transport_check", to_address="a@example.org", subject="Hi",
                text_body="Hello", html_body="<p>Hello</p>", headers="{}", status="sent",
                attempts=1, next_attempt_at=MOMENT, **STAMPS,
            )
        )  # fmt: skip

    upgrade(revision=AFTER)

    assert "signatures_anonymised_at" in columns("petitions")
    assert "body_purged_at" in columns("outbound_emails")
    assert "ix_outbound_emails_body_kept" in indexes("outbound_emails")
    with db.engine.connect() as connection:
        petition = connection.execute(
            text("SELECT counted_signatures, signatures_anonymised_at FROM petitions")
        ).one()
        message = connection.execute(
            text("SELECT text_body, body_purged_at FROM outbound_emails")
        ).one()
    assert tuple(petition) == (3, None)  # not yet anonymised: the sweep decides when
    assert tuple(message) == ("Hello", None)

    downgrade(revision=BEFORE)

    assert "signatures_anonymised_at" not in columns("petitions")
    assert "body_purged_at" not in columns("outbound_emails")
    assert "ix_outbound_emails_body_kept" not in indexes("outbound_emails")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT slug FROM petitions")).scalar_one() == "p"
        assert connection.execute(text("SELECT text_body FROM outbound_emails")).scalar_one() == (
            "Hello"
        )

    upgrade()
    assert "signatures_anonymised_at" in columns("petitions")
