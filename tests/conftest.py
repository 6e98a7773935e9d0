"""One app and one schema (built by the migrations) a session; one rolled-back transaction a test.

Set TEST_DATABASE_URL to run the same suite on PostgreSQL (its `public` schema is rebuilt).
"""

import ipaddress
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import delete, event, text

from campaign import create_app
from campaign.accounts.models import Role
from campaign.extensions import db, limiter
from config import TestingConfig
from tests.factories.accounts import PASSWORD, make_user
from tests.helpers import csrf_token, sign_in

# The stand-in catalog's fixture (`uyghur_catalog`), for every folder's language tests.
pytest_plugins = ["tests.i18n.standin"]

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")


def _is_loopback(address) -> bool:
    if isinstance(address, (str, bytes)):
        return True  # a Unix socket
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session", autouse=True)
def no_network_beyond_this_machine():
    """Fail any test that opens a connection outside 127.0.0.1 (Stripe, SendGrid, the web)."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(address) -> None:
        if not _is_loopback(address):
            raise RuntimeError(f"tests may not connect outside this machine: {address!r}")

    def connect(self, address):
        guard(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        guard(address)
        return real_connect_ex(self, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    yield
    socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


def _use_real_sqlite_transactions(engine) -> None:
    # pysqlite opens transactions lazily on its own, which breaks SAVEPOINT; let SQLAlchemy
    # emit BEGIN itself (the SQLAlchemy documentation's recipe for SQLite).
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(autouse=True)
def no_dispatcher_thread_outlives_its_test():
    """A mail dispatcher thread left running would sweep through later tests' sessions (the
    `db.session` of every app is the one the `session` fixture swaps), at random moments."""
    yield
    left = [thread for thread in threading.enumerate() if thread.name == "mail-dispatcher"]
    assert not left, "stop the dispatcher a test started (InProcessDispatcher.stop)"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_FILE_DIR = str(tmp_path_factory.mktemp("mail"))
        UPLOAD_DIR = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Settings)
    with app.app_context():
        if ON_POSTGRES:
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        else:
            _use_real_sqlite_transactions(db.engine)
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session, but bound to the test's connection instead of the engine."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def session(app):
    """A database session whose work, commits included, is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _ConnectionBoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


class RequestPerContextClient(FlaskClient):
    """Each request gets its own app context (own `g`, own database session), as in production.

    Without this, requests would share the test's app context and its `g` and session. After a
    request, the test's own objects are expired, so they show what the request committed.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def client(app, session):
    """A browser-like client; rate-limit counters start from zero for each test."""
    limiter.reset()
    app.test_client_class = RequestPerContextClient
    return app.test_client()


class AuthActions:
    """Signs the test's client in to the console and out of it, as an organiser would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def sign_in(self, user=None, password: str = PASSWORD, *, role: str = Role.EDITOR, code=None):
        """Sign in as `user`, or as a new organiser with `role` (an editor); return who it was.
        `code` answers the second step of an account with a second factor."""
        user = user or make_user(role=role)
        sign_in(self._client, user, password, code=code)
        return user

    def sign_out(self):
        return self._client.post(
            "/admin/logout", data={"csrf_token": csrf_token(self._client, "/admin/")}
        )


@pytest.fixture
def auth(client) -> AuthActions:
    """Sign the client in (`auth.sign_in()`, `auth.sign_in(user)`) and out (`auth.sign_out()`)."""
    return AuthActions(client)


@pytest.fixture
def organiser_email() -> str:
    """The address `organiser` signs in with; a module that needs another overrides this."""
    return "organiser@example.org"


@pytest.fixture
def organiser(auth, organiser_email):
    """A signed-in editor: the least an organiser can be."""
    return auth.sign_in(make_user(email=organiser_email))


@pytest.fixture
def admin(auth):
    """A signed-in admin, who may also manage organisers' accounts."""
    return auth.sign_in(role=Role.ADMIN)


_UNSET = object()


@pytest.fixture
def app_settings(app):
    """Change `app.config` for one test (`app_settings(MAIL_TRANSPORT="smtp")`); restored after."""
    saved: dict = {}

    def change(**settings) -> None:
        for name, value in settings.items():
            saved.setdefault(name, app.config.get(name, _UNSET))
            app.config[name] = value

    yield change
    for name, value in saved.items():
        if value is _UNSET:
            app.config.pop(name, None)
        else:
            app.config[name] = value


@pytest.fixture
def sendgrid_api(app_settings):
    """A local stand-in for SendGrid's API, with MAIL_TRANSPORT=sendgrid pointed at it."""
    from tests.standins.sendgrid import SendGridStandIn

    standin = SendGridStandIn().start()
    app_settings(
        MAIL_TRANSPORT="sendgrid",
        SENDGRID_API_KEY="SG.test-key",
        SENDGRID_API_HOST=standin.url,
        MAIL_TIMEOUT_SECONDS=1,
    )
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture
def smtp_sink(app_settings):
    """A local SMTP server (aiosmtpd) with MAIL_TRANSPORT=smtp pointed at it."""
    from tests.standins.smtp import SMTPSink

    sink = SMTPSink().start()
    app_settings(MAIL_TRANSPORT="smtp", SMTP_URL=sink.url, MAIL_TIMEOUT_SECONDS=5)
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def stripe_api(app_settings):
    """A local stand-in for Stripe's API, with STRIPE_SECRET_KEY and STRIPE_API_BASE on it."""
    from tests.standins.stripe import StripeStandIn

    standin = StripeStandIn().start()
    app_settings(STRIPE_SECRET_KEY="sk_test_standin", STRIPE_API_BASE=standin.url)
    try:
        yield standin
    finally:
        standin.stop()


@contextmanager
def committed_to(app: Flask, *emptied) -> Iterator:
    """The real database's session, committed to (for other threads and processes); the tables
    of the `emptied` models are emptied afterwards, in that order."""
    with app.app_context():
        yield db.session
        db.session.rollback()
        for model in emptied:
            db.session.execute(delete(model))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def committed_outbox(app):
    """The real database, committed to (for other threads and processes); emptied afterwards."""
    from campaign.mailer.models import OutboundEmail, Suppression

    with committed_to(app, OutboundEmail, Suppression) as session:
        yield session


# Seconds: long enough to read a page twice, short enough to wait out.
PAGE_CACHE_LIFE = 0.4


@pytest.fixture
def page_cache(app, app_settings):
    """The page cache turned on, for PAGE_CACHE_LIFE seconds, empty at start and at the end."""
    cache = app.extensions["page_cache"]
    app_settings(PAGE_CACHE_SECONDS=PAGE_CACHE_LIFE)
    cache.seconds, cache.pages = PAGE_CACHE_LIFE, {}
    app.extensions["kept_for_a_moment"] = {}
    yield cache
    cache.seconds, cache.pages = 0, {}
    app.extensions["kept_for_a_moment"] = {}
