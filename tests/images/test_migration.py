"""0020: images, campaigns' look and pages' heroes; up and down with every row kept."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from campaign.extensions import db
from tests.scratch import scratch_app, stamped_table

MOMENT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}
CAMPAIGNS = stamped_table("campaigns", "id", "slug", "title", "summary", "language", "status")
PETITIONS = stamped_table(
    "petitions", "id", "campaign_id", "slug", "title", "target", "body", "body_html",
    "thank_you_text", "goal", "ask_postcode", "status", "counted_signatures",
)  # fmt: skip
BEFORE, AFTER = "0019_petition_outcomes", "0020_images"


@pytest.fixture
def scratch(tmp_path):
    with scratch_app("images", tmp_path) as app:
        yield app


def columns(name: str) -> set[str]:
    return {each["name"] for each in inspect(db.engine).get_columns(name)}


def test_0020_upgrades_and_downgrades_keeping_every_row(scratch):
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
                thank_you_text="", goal=100, ask_postcode=False, status="open",
                counted_signatures=3, **STAMPS,
            )
        )  # fmt: skip

    upgrade(revision=AFTER)

    assert {"tagline", "accent_colour", "logo_image_id", "hero_image_id"} <= columns("campaigns")
    for name in ("explainers", "petitions", "appeals"):
        assert "hero_image_id" in columns(name)
    with db.engine.begin() as connection:
        assert connection.execute(text("SELECT tagline, hero_image_id FROM campaigns")).one() == (
            "",
            None,
        )
        connection.execute(
            text(
                "INSERT INTO images (id, key, format, width, height, widths, alt, language, label,"
                " byte_size, created_at, updated_at)"
                " VALUES (1, 'k', 'jpeg', 10, 10, '10', 'a', 'en',"
                " '', 1, :moment, :moment)"
            ),
            {"moment": MOMENT.replace(tzinfo=None)},
        )
        connection.execute(text("UPDATE petitions SET hero_image_id = 1"))
        connection.execute(text("DELETE FROM images"))  # the link clears itself
        assert connection.execute(text("SELECT hero_image_id FROM petitions")).scalar() is None

    downgrade(revision=BEFORE)

    assert "images" not in inspect(db.engine).get_table_names()
    assert "hero_image_id" not in columns("petitions")
    assert "tagline" not in columns("campaigns")
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT slug, campaign_id FROM petitions")).one() == (
            "p",
            1,
        )
    upgrade()
