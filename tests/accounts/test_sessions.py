"""An organiser's sessions: listed, ended one by one from another browser, and a sign-in from
a browser the account never used before told by email, with no IP address in it."""

import re

import pytest
from flask.testing import FlaskClient

from campaign.accounts.devices import DEVICE_COOKIE, OrganiserSession, browser_family
from campaign.audit.models import AuditEntry
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.subscribers import outbox
from tests.helpers import csrf_token, post_form

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def browser(app, user_agent: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def sign_in(client, user) -> None:
    response = post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def sign_out(client) -> None:
    response = client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert response.status_code == 302


@pytest.fixture
def maya(client, session):  # the client fixture: browsers like it
    return make_user(email="maya@example.org")


def test_the_browser_family_is_all_that_is_kept_of_the_user_agent():
    assert browser_family(FIREFOX) == "Firefox on Linux"
    assert browser_family(IPHONE) == "Safari on iOS"
    assert browser_family("curl/8.0") == "Unknown browser"


def test_the_first_sign_in_tells_nobody_and_a_new_browser_is_told_by_email(app, maya):
    laptop, phone = browser(app, FIREFOX), browser(app, IPHONE)

    sign_in(laptop, maya)
    sign_out(laptop)
    sign_in(laptop, maya)  # the same browser again: it kept its device cookie
    assert outbox(maya.email) == []

    sign_in(phone, maya)

    [message] = outbox(maya.email)
    assert "Safari on iOS" in message.text_body
    assert "/admin/sessions" in message.text_body
    assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", message.text_body + message.html_body)


def test_an_organiser_ends_another_session_and_that_browser_is_signed_out(app, maya, session):
    laptop, phone = browser(app, FIREFOX), browser(app, IPHONE)
    sign_in(laptop, maya)
    sign_in(phone, maya)
    page = laptop.get("/admin/sessions").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Safari on iOS" in page
    phones = session.query(OrganiserSession).filter_by(browser="Safari on iOS").one()

    ended = laptop.post(
        f"/admin/sessions/{phones.id}/end",
        data={"csrf_token": csrf_token(laptop, "/admin/sessions")},
    )

    assert ended.status_code == 302
    assert phone.get("/admin/").status_code == 302  # back to the sign-in page
    assert laptop.get("/admin/").status_code == 200
    entry = session.query(AuditEntry).filter_by(action="end session").one()
    assert (entry.actor, entry.object_id) == ("maya@example.org", phones.id)


def test_nobody_ends_a_session_of_another_account(app, maya, session):
    other = make_user(email="other@example.org")
    theirs = browser(app, FIREFOX)
    sign_in(theirs, other)
    mine = browser(app, FIREFOX)
    sign_in(mine, maya)
    their_session = session.query(OrganiserSession).filter_by(user_id=other.id).one()

    refused = mine.post(
        f"/admin/sessions/{their_session.id}/end",
        data={"csrf_token": csrf_token(mine, "/admin/sessions")},
    )

    assert refused.status_code == 404
    assert theirs.get("/admin/").status_code == 200


def test_ending_a_session_needs_the_forms_token(app, maya, session):
    laptop = browser(app, FIREFOX)
    sign_in(laptop, maya)
    mine = session.query(OrganiserSession).one()

    assert laptop.post(f"/admin/sessions/{mine.id}/end").status_code == 400


def test_signing_out_ends_the_session_and_the_device_cookie_stays_for_the_console_only(
    app, maya, session
):
    laptop = browser(app, FIREFOX)
    sign_in(laptop, maya)
    cookie = laptop.get_cookie(DEVICE_COOKIE, path="/admin")
    assert cookie is not None and cookie.http_only

    sign_out(laptop)

    assert session.query(OrganiserSession).one().ended_at is not None


def test_the_sessions_page_is_for_signed_in_organisers(client):
    assert client.get("/admin/sessions").status_code == 302
