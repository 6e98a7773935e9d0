"""Migration 0010: updates get their original's language and a table of translations."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, table, text
from sqlalchemy.exc import IntegrityError

from campaign import create_app
from campaign.db import UTCDateTime
from campaign.extensions import db
from config import TestingConfig
from tests.scratch import scratch_database

MOMENT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}
CAMPAIGNS = table(
    "campaigns",
    *(column(name) for name in ("id", "slug", "title", "summary", "language", "status")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
UPDATES = table(
    "updates",
    *(column(name) for name in ("id", "campaign_id", "slug", "subject", "preheader", "body")),
    *(column(name) for name in ("body_html", "audience_kind", "audience_language")),
    *(column(name) for name in ("audience_country", "status", "publish_on_site")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
TRANSLATIONS = table(
    "update_translations",
    *(column(name) for name in ("update_id", "language", "subject", "preheader", "body")),
    column("body_html"),
    *(column(name, UTCDateTime()) for name in STAMPS),
)


def an_update(number: int, campaign_id: int | None) -> dict:
    return {
        "id": number,
        "campaign_id": campaign_id,
        "slug": f"news-{number}",
        "subject": f"News {number}",
        "preheader": "",
        "body": "Read this.",
        "body_html": "<p>Read this.</p>",
        "audience_kind": "all",
        "audience_language": "",
        "audience_country": "",
        "status": "sent",
        "publish_on_site": True,
    } | STAMPS


def a_translation(update_id: int, language: str) -> dict:
    return {
        "update_id": update_id,
        "language": language,
        "subject": "خەۋەر",
        "preheader": "",
        "body": "ئوقۇڭ.",
        "body_html": "<p>ئوقۇڭ.</p>",
    } | STAMPS


@pytest.fixture
def scratch_app(tmp_path):
    with scratch_database("update_translations", tmp_path) as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def columns(name: str) -> set[str]:
    return {each["name"] for each in inspect(db.engine).get_columns(name)}


def test_0010_upgrades_and_downgrades_keeping_every_update(scratch_app):
    upgrade(revision="0009_content_translations")
    with db.engine.begin() as connection:
        connection.execute(
            CAMPAIGNS.insert(),
            [
                {"id": 1, "slug": "ug", "title": "ئازادلىق", "summary": "", "language": "ug"}
                | {"status": "live"}
                | STAMPS,
                {"id": 2, "slug": "en", "title": "Free them", "summary": "", "language": "en"}
                | {"status": "live"}
                | STAMPS,
            ],
        )
        connection.execute(UPDATES.insert(), [an_update(1, 1), an_update(2, 2), an_update(3, None)])

    upgrade(revision="0010_update_translations")

    assert "update_translations" in inspect(db.engine).get_table_names()
    with db.engine.begin() as connection:
        languages = connection.execute(text("SELECT id, language FROM updates ORDER BY id")).all()
        # Each was written in its campaign's language; one for the whole site, in English.
        assert languages == [(1, "ug"), (2, "en"), (3, "en")]
        connection.execute(TRANSLATIONS.insert(), [a_translation(2, "ug")])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(TRANSLATIONS.insert(), [a_translation(2, "ug")])  # one a language

    downgrade(revision="0009_content_translations")

    assert "update_translations" not in inspect(db.engine).get_table_names()
    assert "language" not in columns("updates")
    with db.engine.connect() as connection:
        kept = connection.execute(text("SELECT id, subject FROM updates ORDER BY id")).all()
    assert kept == [(1, "News 1"), (2, "News 2"), (3, "News 3")]

    upgrade()
    assert {"language"} <= columns("updates")
    assert {"update_id", "language", "subject", "body_html"} <= columns("update_translations")
