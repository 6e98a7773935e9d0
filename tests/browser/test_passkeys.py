"""Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's WebAuthn
domain) makes a key on the Security page, then signs in with it, then confirms it is you.

Browsers give passkeys only to a site reached by a name, so this server is addressed as
http://localhost:PORT (the suite's live server is at 127.0.0.1), and REQUIRE_2FA is on, as in
production: the new organiser is led to add a key before anything else.
"""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from campaign import create_app
from campaign.accounts.factors import recovery
from campaign.accounts.factors.passkeys.models import Passkey
from campaign.accounts.service import create_user
from campaign.audit.models import AuditEntry
from campaign.extensions import db
from config import TestingConfig
from tests.browser.conftest import _not_ready, sign_in
from tests.factories.authenticators import SoftwareAuthenticator, make_passkey

EMAIL = "keys@example.org"
PASSWORD = "a console password for the passkey test"
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "usb",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,  # the key is touched as soon as it is asked
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """The app at http://localhost:PORT with REQUIRE_2FA on and one new organiser."""
    server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
    url = f"http://localhost:{server.server_port}"
    database = tmp_path_factory.mktemp("passkeys") / "live.sqlite3"

    class Settings(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
        SITE_URL = url
        REQUIRE_2FA = True

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        create_user(EMAIL, PASSWORD)
        db.session.commit()
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="passkey-server", daemon=True)
    thread.start()
    try:
        yield url, app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def context(browser: Browser, site) -> Iterator[BrowserContext]:
    url, _app = site
    context = browser.new_context(base_url=url)
    yield context
    context.close()


def virtual_authenticator(page: Page):
    """A USB security key with a fingerprint reader, plugged into this page's browser."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    added = devtools.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return devtools, added["authenticatorId"]


def sign_in_with_password(page: Page, email: str = EMAIL) -> None:
    sign_in(page, email, PASSWORD)


def test_a_new_organiser_adds_a_passkey_signs_in_with_it_and_confirms_with_it(
    context: BrowserContext, site, tmp_path: Path
):
    url, app = site
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    devtools, authenticator = virtual_authenticator(page)

    # First sign-in: REQUIRE_2FA leads to the Security page, passkeys offered first.
    sign_in_with_password(page)
    page.wait_for_url(f"{url}/admin/security")
    buttons = page.locator("form.inline button").all_inner_texts()
    assert buttons.index("Add a passkey or security key") < buttons.index(
        "Add an authenticator app"
    )
    page.get_by_role("button", name="Add a passkey or security key").click()
    page.wait_for_url("**/admin/security/passkeys/new")
    page.get_by_label("Name").fill("Blue key")
    page.screenshot(path=tmp_path / "add.png", full_page=True)
    page.get_by_role("button", name="Add the key").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your key is added. Keep these recovery codes"
    )
    page.screenshot(path=tmp_path / "added.png", full_page=True)
    [credential] = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    with app.app_context():
        [stored] = db.session.scalars(db.select(Passkey)).all()
        assert stored.credential_id == credential["credentialId"].rstrip("=").replace(
            "+", "-"
        ).replace("/", "_")
        assert stored.factor.name == "Blue key"
    page.get_by_role("link", name="I have kept them: go to the console").click()
    page.wait_for_url(f"{url}/admin/")

    # Signing out and in again: the password, then the key.
    page.get_by_role("button", name=f"Sign out {EMAIL}").click()
    sign_in_with_password(page)
    page.wait_for_url("**/admin/login/code")
    page.screenshot(path=tmp_path / "second-step.png", full_page=True)
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(f"{url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Before a sensitive action: the key again, then on to where the organiser was going.
    page.goto("/admin/check?next=/admin/security")
    page.screenshot(path=tmp_path / "check.png", full_page=True)
    page.get_by_role("button", name="Use a passkey or security key").click()
    page.wait_for_url(f"{url}/admin/security")
    expect(page.get_by_text("Blue key")).to_be_visible()
    page.screenshot(path=tmp_path / "security.png", full_page=True)

    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
        details = db.session.scalars(
            db.select(AuditEntry.detail).where(AuditEntry.action == "sign-in")
        ).all()
    assert "second factor added" in actions
    assert details[-1] == "password and passkey"
    [counted] = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    with app.app_context():
        stored = db.session.scalars(db.select(Passkey)).one()
        assert (stored.sign_count, counted["signCount"]) == (3, 3)  # made, signed in, checked
    assert errors == []
    assert all(request.startswith(url) for request in requests), "a request left the site"


def an_organiser_with_a_key_elsewhere(app, email: str) -> list[str]:
    """An account whose passkey is on another device; returns its recovery codes."""
    with app.app_context():
        user = create_user(email, PASSWORD)
        make_passkey(user, SoftwareAuthenticator("http://localhost"))
        codes = recovery.replace_codes(user)
        db.session.commit()
    return codes


def test_a_key_the_account_does_not_know_says_so_and_codes_still_work(
    context: BrowserContext, site, tmp_path: Path
):
    url, app = site
    codes = an_organiser_with_a_key_elsewhere(app, "elsewhere@example.org")
    page = context.new_page()
    virtual_authenticator(page)  # it holds no key of this account
    sign_in_with_password(page, "elsewhere@example.org")
    page.wait_for_url("**/admin/login/code")

    page.get_by_role("button", name="Use a passkey or security key").click()

    expect(page.locator("[data-passkey-status]")).to_contain_text("No key answered")
    page.screenshot(path=tmp_path / "no-key.png", full_page=True)
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/admin/")


def test_without_javascript_the_page_says_a_passkey_needs_it_and_codes_work(browser: Browser, site):
    url, app = site
    codes = an_organiser_with_a_key_elsewhere(app, "noscript@example.org")
    context = browser.new_context(base_url=url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in_with_password(page, "noscript@example.org")
        page.wait_for_url("**/admin/login/code")

        # Playwright turns scripts off without telling the page's parser, so <noscript> stays
        # hidden here; a browser with JavaScript off shows it.
        assert "A passkey needs JavaScript" in page.locator("noscript").inner_text()
        page.get_by_label("Recovery code").fill(codes[1])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/admin/")
    finally:
        context.close()
