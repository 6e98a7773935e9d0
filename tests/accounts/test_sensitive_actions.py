"""Sensitive actions ask the organiser to prove it is them again once the last check is older
than REAUTH_MINUTES: exporting personal data, importing, bulk invalidation, sending an update,
managing organisers and their second factors."""

import pytest

from tests.helpers import csrf_token, last_checked_an_hour_ago

SENSITIVE = [
    ("GET", "/admin/petitions/1/export.csv"),
    ("GET", "/admin/subscribers/export.csv"),
    ("GET", "/admin/donations/export.csv"),
    ("GET", "/admin/subscribers/import"),
    ("POST", "/admin/subscribers/import"),
    ("GET", "/admin/petitions/1/invalidate"),
    ("POST", "/admin/petitions/1/invalidate"),
    ("POST", "/admin/updates/1/send"),
    ("POST", "/admin/updates/1/schedule"),
    ("POST", "/admin/updates/1/resume"),
    ("POST", "/admin/updates/1/uncertain/resend"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("POST", "/admin/users/1/role"),
    ("POST", "/admin/users/1/deactivate"),
    ("POST", "/admin/users/1/reactivate"),
    ("POST", "/admin/users/1/password"),
    ("POST", "/admin/users/1/factors/reset"),
    ("POST", "/admin/security/totp"),
    ("POST", "/admin/security/recovery-codes"),
    ("POST", "/admin/security/factors/1/remove"),
]


@pytest.mark.parametrize(("method", "path"), SENSITIVE, ids=[" ".join(s) for s in SENSITIVE])
def test_an_old_check_sends_the_organiser_to_prove_it_again(client, admin, method, path):
    data = {"csrf_token": csrf_token(client, "/admin/")} if method == "POST" else None
    last_checked_an_hour_ago(client)

    response = client.open(path, method=method, data=data)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/check?next=")


def test_a_get_comes_back_to_itself_after_the_check(client, admin):
    last_checked_an_hour_ago(client)

    response = client.get("/admin/subscribers/export.csv")

    assert response.headers["Location"] == "/admin/check?next=/admin/subscribers/export.csv"


def test_a_recent_check_lets_the_export_through(client, admin):
    response = client.get("/admin/subscribers/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
