"""On PostgreSQL, what a backup would keep: a `pg_dump` of a database after an erasure holds
neither the address nor the name (nor the postcode, comment or IP digest)."""

import shutil
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url

from campaign import create_app
from campaign.extensions import db, limiter
from campaign.people.erasing import erase_person
from config import TestingConfig
from tests.conftest import ON_POSTGRES, RequestPerContextClient
from tests.people.held import EMAIL as ADDRESS
from tests.people.held import NEEDLES, hold_everything
from tests.scratch import postgres_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed"),
]


def pg_dump(url: str) -> bytes:
    """The whole database, schema and rows, as `pg_dump` writes it."""
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(
        ["pg_dump", "--no-owner", libpq], capture_output=True, check=True, timeout=120
    ).stdout


def test_a_dump_after_the_erasure_holds_nothing_that_names_the_person(tmp_path):
    with postgres_database("campaign_people_dump") as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url
            MAIL_FILE_DIR = str(tmp_path / "mail")

        app = create_app(Settings)
        app.test_client_class = RequestPerContextClient
        try:
            with app.app_context():
                upgrade()
                limiter.reset()
                held = hold_everything(app.test_client(), db.session, tmp_path / "mail")
                needles = [*NEEDLES, held.ip_hash]
                before = pg_dump(url).lower()
                assert all(needle.lower().encode() in before for needle in needles)
                counts = held.counts()

                erase_person(ADDRESS)
                db.session.commit()

                after = pg_dump(url).lower()
                assert [n for n in needles if n.lower().encode() in after] == []
                assert held.counts() == counts
                db.session.remove()
        finally:
            with app.app_context():
                db.engine.dispose()
