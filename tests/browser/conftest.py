"""A live server on a committed SQLite file, and Debian's Chromium driven by Playwright.

The browser runs in another process and the server in another thread, so neither can see the
rolled-back transaction of tests/conftest.py: this server gets a database of its own, with the
demo campaign loaded and committed once a session.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from campaign import create_app
from campaign.demo.loader import load_demo
from campaign.extensions import db
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.transports.outbox import FileTransport
from config import TestingConfig

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = "Debian's Chromium is not installed: apt-get install chromium"

# Headless in a container: no sandbox (we run as root), no GPU, and none of Chromium's own
# calls home, so the browser opens no connection but the ones the pages ask for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser`, and skip them all when Chromium is missing."""
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(pytest.mark.skip(reason=CHROMIUM_MISSING))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium: `playwright install` would download a browser we cannot."""
    if not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    organiser_password: str


def _not_ready(environ: dict, start_response) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app served over HTTP on 127.0.0.1, with the demo campaign committed."""
    # Bind first: SITE_URL must name the port, and port 0 lets the system pick a free one.
    server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    database = tmp_path_factory.mktemp("live-server") / "live.sqlite3"

    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        SITE_URL = url
        UPLOAD_DIR = str(database.parent / "uploads")
        CARD_DIR = str(database.parent / "cards")
        MAIL_FILE_DIR = str(database.parent / "mail")

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        report = load_demo()
        db.session.commit()
    assert report.organiser_password, "the demo loader made no organiser on an empty site"
    server.app = app

    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, organiser_password=report.organiser_password)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        # Close the pooled SQLite connections, or they surface as ResourceWarnings (errors).
        with app.app_context():
            db.engine.dispose()


def mail_to(live_server: LiveServer, folder: Path, to: str) -> list[EmailMessage]:
    """Send what the live site has queued as .eml files in `folder`; `to`'s messages, in order.

    The live app keeps TestingConfig's MAIL_DISPATCHER="manual", and the test dispatches by hand
    in the app's context: no waiting for a thread to wake, and the .eml files land in this
    test's folder rather than the instance folder.
    """
    with live_server.app.app_context():
        dispatch_due(transport=FileTransport(folder))
    parser = BytesParser(policy=policy.default)
    messages = [parser.parsebytes(path.read_bytes()) for path in folder.glob("*.eml")]
    mine = [message for message in messages if message["To"] == to]
    return sorted(mine, key=lambda message: int(message["X-Campaign-Outbound-Id"]))


def sign_in(page, email: str, password: str) -> None:
    """Sign in to the console with a password, as an organiser types it."""
    page.goto("/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """Every Playwright context resolves relative URLs (`page.goto("/")`) against the server."""
    return live_server.url
