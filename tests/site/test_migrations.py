"""The schema comes from the Alembic migrations alone, and they match the models."""

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, select, table, text

from campaign import create_app
from campaign.db import UTCDateTime
from campaign.extensions import db
from campaign.mailer.claims import take_back_abandoned_claims
from campaign.mailer.models import MessageStatus, OutboundEmail
from config import TestingConfig
from tests.scratch import scratch_database


def test_models_and_migrations_do_not_drift(app, session):
    context = MigrationContext.configure(
        session.connection(), opts={"compare_type": True, "render_as_batch": True}
    )

    differences = compare_metadata(context, db.metadata)

    assert differences == [], "run `flask --app campaign db migrate` and commit the migration"


@pytest.fixture
def scratch_database_url(tmp_path):
    with scratch_database("migrations", tmp_path) as url:
        yield url


def test_migrations_upgrade_downgrade_and_upgrade_again(scratch_database_url):
    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = scratch_database_url

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"campaigns", "explainers", "learn_more_links", "users", "site_revisions"} <= tables

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()
        with db.engine.connect() as connection:
            revision = connection.execute(
                text("SELECT revision FROM site_revisions WHERE name = 'content'")
            ).scalar_one()
        assert revision == 1
        db.engine.dispose()


def test_outbox_claims_held_during_the_upgrade_keep_the_old_window_and_count_as_handed_over(
    scratch_database_url,
):
    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = scratch_database_url

    claimed_at = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    outbox = table(
        "outbound_emails",
        *(column(name) for name in ("template", "to_address", "subject", "text_body")),
        *(column(name) for name in ("html_body", "headers", "status", "attempts")),
        *(column(name, UTCDateTime()) for name in ("next_attempt_at", "claimed_at")),
        *(column(name, UTCDateTime()) for name in ("created_at", "updated_at")),
    )
    app = create_app(Settings)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                outbox.insert().values(
                    template="transport_check",
                    to_address="reader@example.org",
                    subject="Hello",
                    text_body="Hello",
                    html_body="<p>Hello</p>",
                    headers="{}",
                    status="sending",
                    attempts=0,
                    next_attempt_at=claimed_at,
                    claimed_at=claimed_at,
                    created_at=claimed_at,
                    updated_at=claimed_at,
                )
            )

        upgrade()

        message = db.session.scalars(select(OutboundEmail)).one()
        # The old code renews nothing and records no hand-over: its ten minutes, and doubt.
        assert message.lease_expires_at == claimed_at + timedelta(minutes=10)
        assert message.handed_over_at == claimed_at
        assert take_back_abandoned_claims(claimed_at + timedelta(minutes=9)) == 0
        assert take_back_abandoned_claims(claimed_at + timedelta(minutes=11)) == 1
        assert message.status == MessageStatus.QUEUED
        assert "a dispatcher of an earlier version" in message.possible_duplicate
        db.session.remove()
        db.engine.dispose()
