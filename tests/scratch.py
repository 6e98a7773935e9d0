"""Scratch PostgreSQL databases, for tests that need one of their own beside the suite's, and
the tables migration tests write rows into as a revision left them."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import TableClause, column, create_engine, make_url, table, text

from campaign import create_app
from campaign.db import UTCDateTime
from campaign.extensions import db
from config import TestingConfig
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """An empty database on TEST_DATABASE_URL's server, its URL yielded, dropped afterwards."""
    # The pid keeps two test runs on one server (two engineers, say) out of each other's way.
    name = f"{prefix}_{os.getpid()}"
    server = make_url(TEST_DATABASE_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def scratch_database(label: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of the suite's kind (a file in `folder` on SQLite), dropped
    afterwards."""
    if not ON_POSTGRES:
        yield f"sqlite:///{folder / f'{label}.sqlite3'}"
        return
    with postgres_database(f"campaign_{label}") as url:
        yield url


@contextmanager
def scratch_app(label: str, folder: Path) -> Iterator[Flask]:
    """An app on a scratch database with no schema yet (for a migration to build), inside its
    app context."""
    with scratch_database(label, folder) as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


STAMP_COLUMNS = ("created_at", "updated_at")


def stamped_table(name: str, *names: str, stamped: bool = True) -> TableClause:
    """A table as a migration test writes to it: these columns, and the two timestamps."""
    stamps = [column(each, UTCDateTime()) for each in STAMP_COLUMNS] if stamped else []
    return table(name, *(column(each) for each in names), *stamps)
