"""Proving it is you again: the page sensitive actions send an organiser to once the last
check is older than REAUTH_MINUTES."""

from urllib.parse import quote

import pytest

from campaign.accounts.reauth import CHECKED_AT
from campaign.db import utcnow
from tests.factories.accounts import PASSWORD, code_of, give_recovery_codes, make_authenticator
from tests.helpers import csrf_token, last_checked_an_hour_ago


def test_signing_in_counts_as_a_check(client, organiser):
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] < 60


def test_the_password_again_renews_the_check_and_goes_on(client, organiser):
    last_checked_an_hour_ago(client)
    url = f"/admin/check?next={quote('/admin/subscribers/')}"

    wrong = client.post(url, data={"csrf_token": csrf_token(client, url), "password": "nope"})
    right = client.post(url, data={"csrf_token": csrf_token(client, url), "password": PASSWORD})

    assert wrong.status_code == 400
    assert "That is not your password." in wrong.get_data(as_text=True)
    assert (right.status_code, right.headers["Location"]) == (302, "/admin/subscribers/")
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] < 60


def test_the_page_never_sends_anyone_off_the_site(client, organiser):
    url = "/admin/check?next=//evil.example/"

    right = client.post(url, data={"csrf_token": csrf_token(client, url), "password": PASSWORD})

    assert right.headers["Location"] == "/admin/"


def test_the_page_is_for_signed_in_organisers(client):
    assert client.get("/admin/check").status_code == 302


@pytest.fixture
def with_app(session, organiser):
    return make_authenticator(organiser)


def test_an_account_with_a_second_factor_is_asked_for_its_code_not_the_password(
    client, organiser, with_app
):
    last_checked_an_hour_ago(client)
    url = f"/admin/check?next={quote('/admin/subscribers/')}"

    page = client.get(url).get_data(as_text=True)
    password = client.post(url, data={"csrf_token": csrf_token(client, url), "code": PASSWORD})
    right = client.post(
        url, data={"csrf_token": csrf_token(client, url), "code": code_of(with_app)}
    )

    assert 'name="code"' in page and 'name="password"' not in page
    assert password.status_code == 400
    assert (right.status_code, right.headers["Location"]) == (302, "/admin/subscribers/")
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] < 60


def test_a_code_used_once_does_not_check_again(client, organiser, with_app):
    code = code_of(with_app)
    url = "/admin/check"
    first = client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})
    last_checked_an_hour_ago(client)

    again = client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})

    assert first.status_code == 302
    assert again.status_code == 400
    assert "used already" in again.get_data(as_text=True)


def test_a_recovery_code_checks_again_once(client, organiser, with_app):
    [code, *_rest] = give_recovery_codes(organiser)
    last_checked_an_hour_ago(client)
    url = "/admin/check"

    first = client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})
    again = client.post(url, data={"csrf_token": csrf_token(client, url), "code": code})

    assert (first.status_code, again.status_code) == (302, 400)


def test_the_page_refuses_a_missing_csrf_token(client, organiser):
    last_checked_an_hour_ago(client)

    response = client.post("/admin/check", data={"password": PASSWORD})

    assert response.status_code == 400
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] > 60
