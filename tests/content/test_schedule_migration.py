"""Migration 0018: an explainer's publication time, up and down, keeping every explainer."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, table, text

from campaign.db import UTCDateTime
from campaign.extensions import db
from tests.scratch import scratch_app

BEFORE, THIS = "0017_organiser_sessions", "0018_explainer_schedule"
MOMENT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}
CAMPAIGNS = table(
    "campaigns",
    *(column(name) for name in ("id", "slug", "title", "summary", "language", "status")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
EXPLAINER_COLUMNS = ("id", "campaign_id", "slug", "title", "summary", "body", "body_html")
EXPLAINERS = table(
    "explainers",
    *(column(name) for name in EXPLAINER_COLUMNS),
    *(column(name) for name in ("reading_minutes", "language", "status", "position")),
    column("image_alt"),
    *(column(name, UTCDateTime()) for name in STAMPS),
)


@pytest.fixture
def scratch(tmp_path):
    with scratch_app("explainer_schedule", tmp_path) as app:
        yield app


def an_explainer(number: int, status: str) -> dict:
    return {
        "id": number,
        "campaign_id": 1,
        "slug": f"explainer-{number}",
        "title": f"Explainer {number}",
        "summary": "",
        "body": "",
        "body_html": "",
        "reading_minutes": 1,
        "language": "en",
        "status": status,
        "position": number,
        "image_alt": "",
    } | STAMPS


def test_0018_upgrades_and_downgrades_keeping_every_explainer(scratch):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        campaign = {"id": 1, "slug": "c", "title": "C", "summary": "", "language": "en"}
        connection.execute(CAMPAIGNS.insert(), [campaign | {"status": "live"} | STAMPS])
        connection.execute(EXPLAINERS.insert(), [an_explainer(1, "published")])

    upgrade(revision=THIS)

    columns = {column["name"] for column in inspect(db.engine).get_columns("explainers")}
    assert "publish_at" in columns
    with db.engine.begin() as connection:
        connection.execute(EXPLAINERS.insert(), [an_explainer(2, "scheduled")])
        connection.execute(
            text("UPDATE explainers SET publish_at = :moment WHERE id = 2"),
            {"moment": MOMENT.replace(tzinfo=None)},
        )

    downgrade(revision=BEFORE)

    columns = {column["name"] for column in inspect(db.engine).get_columns("explainers")}
    assert "publish_at" not in columns
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM explainers ORDER BY id")).all()
    # The older code knows no "scheduled": a scheduled explainer is a draft there.
    assert rows == [(1, "published"), (2, "draft")]

    upgrade()
    columns = {column["name"] for column in inspect(db.engine).get_columns("explainers")}
    assert "publish_at" in columns
