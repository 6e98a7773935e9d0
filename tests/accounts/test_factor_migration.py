"""Migration 0012: second factors and recovery codes, up and down, keeping every account."""

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

BEFORE, THIS = "0011_audit_trail", "0012_second_factors"
MOMENT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
STAMPS = {"created_at": MOMENT, "updated_at": MOMENT}
USERS = table(
    "users",
    *(column(name) for name in ("id", "email", "password_hash", "role", "active")),
    *(column(name) for name in ("must_change_password", "session_token")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
FACTORS = table(
    "second_factors",
    *(column(name) for name in ("id", "user_id", "kind", "name", "secret", "last_time_step")),
    column("confirmed_at", UTCDateTime()),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
CODES = table(
    "recovery_codes",
    *(column(name) for name in ("user_id", "code_hash")),
    *(column(name, UTCDateTime()) for name in STAMPS),
)


@pytest.fixture
def scratch_app(tmp_path):
    with scratch_database("second_factors", tmp_path) as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def a_user(number: int) -> dict:
    return {
        "id": number,
        "email": f"organiser{number}@example.org",
        "password_hash": "$argon2id$not-a-real-hash",
        "role": "admin",
        "active": True,
        "must_change_password": False,
        "session_token": f"token-{number}",
    } | STAMPS


def test_0012_upgrades_and_downgrades_keeping_every_account(scratch_app):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        connection.execute(USERS.insert(), [a_user(1), a_user(2)])

    upgrade(revision=THIS)

    assert {"second_factors", "recovery_codes"} <= set(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        connection.execute(
            FACTORS.insert(),
            [
                {"id": 1, "user_id": 1, "kind": "totp", "name": "phone", "secret": "A" * 32}
                | {"last_time_step": 2**40, "confirmed_at": MOMENT}  # past 32 bits
                | STAMPS
            ],
        )
        connection.execute(CODES.insert(), [{"user_id": 1, "code_hash": "a" * 64} | STAMPS])
        connection.execute(CODES.insert(), [{"user_id": 2, "code_hash": "a" * 64} | STAMPS])
        step = connection.execute(text("SELECT last_time_step FROM second_factors")).scalar_one()
        assert step == 2**40
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(CODES.insert(), [{"user_id": 1, "code_hash": "a" * 64} | STAMPS])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(CODES.insert(), [{"user_id": 99, "code_hash": "b" * 64} | STAMPS])

    downgrade(revision=BEFORE)

    tables = set(inspect(db.engine).get_table_names())
    assert not {"second_factors", "recovery_codes"} & tables
    with db.engine.connect() as connection:
        kept = connection.execute(text("SELECT id, email FROM users ORDER BY id")).all()
    assert kept == [(1, "organiser1@example.org"), (2, "organiser2@example.org")]

    upgrade()
    assert {"second_factors", "recovery_codes"} <= set(inspect(db.engine).get_table_names())


def test_an_accounts_factors_and_codes_go_with_it(scratch_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(USERS.insert(), [a_user(1)])
        connection.execute(
            FACTORS.insert(),
            [{"id": 1, "user_id": 1, "kind": "totp", "name": "", "secret": "A" * 32} | STAMPS],
        )
        connection.execute(CODES.insert(), [{"user_id": 1, "code_hash": "a" * 64} | STAMPS])

    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = 1"))

    with db.engine.connect() as connection:
        factors = connection.execute(text("SELECT count(*) FROM second_factors")).scalar_one()
        codes = connection.execute(text("SELECT count(*) FROM recovery_codes")).scalar_one()
    assert (factors, codes) == (0, 0)
