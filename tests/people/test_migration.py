"""The people migration: organisers keep their accounts, nobody new may manage people, and it
goes back down cleanly."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from campaign import create_app
from campaign.extensions import db
from config import TestingConfig
from tests.scratch import scratch_database


def test_upgrade_lets_no_editor_manage_people_and_downgrade_removes_it_all(tmp_path):
    with scratch_database("people_migration", tmp_path) as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            upgrade(revision="0012_second_factors")
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO users (email, password_hash, role, active,"
                        " must_change_password, session_token, created_at, updated_at)"
                        " VALUES ('ed@example.org', 'x', 'editor', true, false, 't',"
                        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )

            upgrade(revision="0014_people")
            with db.engine.connect() as connection:
                allowed = connection.execute(text("SELECT may_manage_people FROM users")).scalar()
            assert allowed in (False, 0)
            assert "erased_addresses" in inspect(db.engine).get_table_names()

            downgrade(revision="0012_second_factors")
            inspector = inspect(db.engine)
            assert "erased_addresses" not in inspector.get_table_names()
            assert "may_manage_people" not in {c["name"] for c in inspector.get_columns("users")}
            with db.engine.connect() as connection:
                assert (
                    connection.execute(text("SELECT email FROM users")).scalar() == "ed@example.org"
                )
            db.engine.dispose()
