"""Exports of personal data, imports, bulk invalidation, sending an update and managing
organisers ask an organiser whose last check is older than REAUTH_MINUTES to prove it is them
again; then the action works."""

from urllib.parse import parse_qs, urlsplit

import pytest

from campaign.updates.models import UpdateStatus
from tests.audit.entries import entries
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.helpers import csrf_token, post_form
from tests.helpers import last_checked_an_hour_ago as an_hour_ago

ASKED_AGAIN = [
    "/admin/petitions/{petition}/export.csv",
    "/admin/petitions/{petition}/invalidate",
    "/admin/subscribers/export.csv?status=active",
    "/admin/subscribers/import",
    "/admin/donations/export.csv",
    "/admin/audit/export.csv",
    "/admin/users/new",
]
POSTED = [
    ("/admin/updates/{update}/send", "/admin/updates/{update}"),
    ("/admin/updates/{update}/schedule", "/admin/updates/{update}"),
    ("/admin/updates/{update}/uncertain/resend", "/admin/updates/{update}"),
    ("/admin/users/{user}/role", "/admin/users/{user}"),
    ("/admin/users/{user}/deactivate", "/admin/users/{user}"),
    ("/admin/users/{user}/reactivate", "/admin/users/{user}"),
    ("/admin/users/{user}/password", "/admin/users/{user}"),
]


@pytest.fixture
def rows(session) -> dict:
    return {
        "petition": make_petition().id,
        "update": make_update().id,
        "user": make_user().id,
    }


def sent_to_check(response, then: str) -> bool:
    """True when the answer sends the organiser to check again, then on to `then`."""
    location = urlsplit(response.headers.get("Location", ""))
    return (response.status_code, location.path) == (302, "/admin/check") and parse_qs(
        location.query
    ) == {"next": [then]}


def checked_again(client, location: str):
    """Type the password on the page the console sent us to; where it sends us on."""
    return post_form(client, location, {"password": PASSWORD})


@pytest.mark.parametrize("path", ASKED_AGAIN)
def test_an_hour_old_check_is_asked_again_before_the_page(client, admin, rows, path):
    url = path.format(**rows)
    an_hour_ago(client)

    assert sent_to_check(client.get(url), then=url)


@pytest.mark.parametrize(("action", "page"), POSTED)
def test_an_hour_old_check_is_asked_again_before_the_button_works(
    client, admin, rows, action, page
):
    action, page = action.format(**rows), page.format(**rows)
    token = csrf_token(client, page)
    an_hour_ago(client)

    response = client.post(
        action, data={"csrf_token": token}, headers={"Referer": f"http://localhost{page}"}
    )

    assert sent_to_check(response, then=page)
    assert entries() == []


def test_after_checking_again_the_export_downloads(client, organiser, session):
    make_subscriber(email="reader@example.net")
    an_hour_ago(client)

    sent_to_check = client.get("/admin/subscribers/export.csv")
    back = checked_again(client, sent_to_check.headers["Location"])
    download = client.get(back.headers["Location"])

    assert back.headers["Location"] == "/admin/subscribers/export.csv"
    assert download.status_code == 200
    assert "reader@example.net" in download.get_data(as_text=True)
    assert entries() == [("export subscribers", "", None, 1)]


def test_after_checking_again_the_update_sends(client, organiser, session):
    make_subscriber()
    update = make_update()
    page = f"/admin/updates/{update.id}"
    token = csrf_token(client, page)
    an_hour_ago(client)

    refused = client.post(
        f"{page}/send", data={"csrf_token": token}, headers={"Referer": f"http://localhost{page}"}
    )
    assert update.status == UpdateStatus.DRAFT
    back = checked_again(client, refused.headers["Location"])
    sent = post_form(client, f"{page}/send", {}, form_url=back.headers["Location"])

    assert back.headers["Location"] == page
    assert sent.status_code == 303
    assert update.status == UpdateStatus.SENDING
    assert entries() == [("send update", "update", update.id, 1)]


def test_after_checking_again_bulk_invalidation_works(client, organiser, session):
    petition = make_petition()
    make_signature(petition, source="bots")
    url = f"/admin/petitions/{petition.id}/invalidate"
    an_hour_ago(client)

    back = checked_again(client, client.get(url).headers["Location"])
    done = post_form(client, url, {"source": "bots", "expected": "1", "confirm": "Invalidate"})

    assert back.headers["Location"] == url
    assert done.status_code == 303
    assert entries() == [("invalidate signatures", "petition", petition.id, 1)]
