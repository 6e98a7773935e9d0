"""Migration 0016: passkeys and their challenges, up and down, keeping every second factor."""

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import LargeBinary, column, inspect, table, text
from sqlalchemy.exc import IntegrityError

from campaign import create_app
from campaign.db import UTCDateTime
from campaign.extensions import db
from config import TestingConfig
from tests.scratch import scratch_database

BEFORE, THIS = "0015_retention", "0016_passkeys"
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
    *(column(name) for name in ("id", "user_id", "kind", "name")),
    column("confirmed_at", UTCDateTime()),
    *(column(name, UTCDateTime()) for name in STAMPS),
)
PASSKEYS = table(
    "passkeys",
    *(column(name) for name in ("factor_id", "credential_id", "sign_count", "transports")),
    column("public_key", LargeBinary()),
)
CHALLENGES = table(
    "passkey_challenges",
    *(column(name) for name in ("user_id", "purpose", "challenge")),
    column("expires_at", UTCDateTime()),
)


@pytest.fixture
def scratch_app(tmp_path):
    with scratch_database("passkeys", tmp_path) as url:

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


def a_factor(number: int, kind: str) -> dict:
    return {"id": number, "user_id": 1, "kind": kind, "name": "", "confirmed_at": MOMENT} | STAMPS


def a_passkey(factor_id: int, credential_id: str) -> dict:
    return {
        "factor_id": factor_id,
        "credential_id": credential_id,
        "public_key": b"\xa5\x01\x02\x03&",
        "sign_count": 2**32 - 1,  # a key's counter is 32 bits, unsigned
        "transports": "usb,nfc",
    }


def test_0016_upgrades_and_downgrades_keeping_every_second_factor(scratch_app):
    upgrade(revision=BEFORE)
    with db.engine.begin() as connection:
        connection.execute(USERS.insert(), [a_user(1)])
        connection.execute(FACTORS.insert(), [a_factor(1, "totp")])

    upgrade(revision=THIS)

    assert {"passkeys", "passkey_challenges"} <= set(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        connection.execute(FACTORS.insert(), [a_factor(2, "passkey"), a_factor(3, "passkey")])
        connection.execute(PASSKEYS.insert(), [a_passkey(2, "A" * 1364)])
        connection.execute(
            CHALLENGES.insert(),
            [{"user_id": 1, "purpose": "confirm", "challenge": "c" * 86, "expires_at": MOMENT}],
        )
        kept = connection.execute(text("SELECT sign_count, public_key FROM passkeys")).one()
        assert (kept[0], bytes(kept[1])) == (2**32 - 1, b"\xa5\x01\x02\x03&")
    with pytest.raises(IntegrityError), db.engine.begin() as connection:  # one key, one factor
        connection.execute(PASSKEYS.insert(), [a_passkey(3, "A" * 1364)])
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(PASSKEYS.insert(), [a_passkey(99, "B")])

    downgrade(revision=BEFORE)

    tables = set(inspect(db.engine).get_table_names())
    assert not {"passkeys", "passkey_challenges"} & tables
    with db.engine.connect() as connection:
        factors = connection.execute(text("SELECT id FROM second_factors ORDER BY id")).all()
    assert factors == [(1,), (2,), (3,)]

    upgrade()
    assert {"passkeys", "passkey_challenges"} <= set(inspect(db.engine).get_table_names())


def test_a_factors_passkey_and_an_accounts_challenges_go_with_them(scratch_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(USERS.insert(), [a_user(1)])
        connection.execute(FACTORS.insert(), [a_factor(1, "passkey")])
        connection.execute(PASSKEYS.insert(), [a_passkey(1, "A")])
        connection.execute(
            CHALLENGES.insert(),
            [{"user_id": 1, "purpose": "confirm", "challenge": "c", "expires_at": MOMENT}],
        )

    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM second_factors WHERE id = 1"))
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM passkeys")).scalar_one() == 0
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE id = 1"))
    with db.engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM passkey_challenges")).scalar_one()
    assert left == 0
