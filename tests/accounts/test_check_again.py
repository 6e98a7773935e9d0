"""Proving it is you again: the page sensitive actions send an organiser to once the last
check is older than REAUTH_MINUTES."""

from urllib.parse import quote

from campaign.accounts.reauth import CHECKED_AT
from campaign.db import utcnow
from tests.factories.accounts import PASSWORD
from tests.helpers import csrf_token


def an_hour_ago(client) -> None:
    with client.session_transaction() as stored:
        stored[CHECKED_AT] = utcnow().timestamp() - 3600


def test_signing_in_counts_as_a_check(client, organiser):
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] < 60


def test_the_password_again_renews_the_check_and_goes_on(client, organiser):
    an_hour_ago(client)
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
