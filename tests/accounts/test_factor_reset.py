"""An admin resets the second factors of an organiser who lost their device: audited, and the
organiser is told by email."""

import pytest
from sqlalchemy import func, select

from campaign.accounts.factors import factors_of, recovery
from campaign.accounts.factors.models import RecoveryCode, SecondFactor
from campaign.audit.models import AuditEntry
from campaign.mailer.models import OutboundEmail
from tests.factories.accounts import (
    PASSWORD,
    give_recovery_codes,
    make_authenticator,
    make_user,
)
from tests.helpers import last_checked_an_hour_ago, post_form


@pytest.fixture
def lost(session):
    """An organiser whose phone is gone, with an app and recovery codes."""
    user = make_user(email="gulnar@example.org")
    make_authenticator(user, name="phone")
    give_recovery_codes(user)
    return user


def reset(client, user):
    page = f"/admin/users/{user.id}"
    return post_form(client, f"{page}/factors/reset", {}, form_url=page)


def test_the_admin_reset_removes_every_factor_and_code_and_signs_them_out(
    app, client, admin, lost, session
):
    theirs = app.test_client()
    post_form(theirs, "/admin/login", {"email": lost.email, "password": PASSWORD})
    token_before = lost.session_token

    response = reset(client, lost)

    assert response.headers["Location"] == f"/admin/users/{lost.id}"
    assert factors_of(lost) == []
    assert recovery.codes_left(lost) == 0
    assert session.scalar(select(func.count()).select_from(SecondFactor)) == 0
    assert session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert lost.session_token != token_before
    # Their half-finished sign-in from before is over too; the password alone now signs in.
    assert theirs.get("/admin/login/code").headers["Location"] == "/admin/login"


def test_the_reset_is_in_the_audit_trail(client, admin, lost, session):
    reset(client, lost)

    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "second factor reset"))
    assert (entry.actor_id, entry.object_kind, entry.object_id, entry.rows) == (
        admin.id,
        "user",
        lost.id,
        1,
    )


def test_the_organiser_gets_an_email_saying_who_reset_them(client, admin, lost, session):
    reset(client, lost)

    [mail] = session.scalars(
        select(OutboundEmail).where(OutboundEmail.template == "second_factors_reset")
    )
    assert mail.to_address == lost.email
    assert "second factors" in mail.subject
    for body in (mail.text_body, mail.html_body):
        assert admin.email in body
        assert lost.email in body
        assert "http://campaign.test/admin/login" in body


def test_an_admin_resets_their_own_on_the_security_page_instead(client, admin, session):
    make_authenticator(admin)

    response = reset(client, admin)

    assert response.status_code == 400
    assert "on the Security page instead" in response.get_data(as_text=True)
    assert len(factors_of(admin)) == 1


def test_an_account_without_a_factor_has_nothing_to_reset(client, admin, session):
    plain = make_user()

    response = reset(client, plain)

    assert response.status_code == 400
    assert "no second factor to reset" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(OutboundEmail)) == 0


def test_editors_cannot_reset_anyone(client, organiser, lost):
    response = post_form(client, f"/admin/users/{lost.id}/factors/reset", {}, "/admin/")

    assert response.status_code == 403
    assert len(factors_of(lost)) == 1


def test_visitors_are_sent_to_sign_in(client, lost):
    response = post_form(client, f"/admin/users/{lost.id}/factors/reset", {}, "/admin/login")

    assert response.headers["Location"].startswith("/admin/login?next=")
    assert len(factors_of(lost)) == 1


def test_the_reset_refuses_a_missing_csrf_token(client, admin, lost):
    response = client.post(f"/admin/users/{lost.id}/factors/reset")

    assert response.status_code == 400
    assert len(factors_of(lost)) == 1


def test_the_reset_asks_for_a_recent_check(client, admin, lost):
    last_checked_an_hour_ago(client)

    response = reset(client, lost)

    assert response.headers["Location"].startswith("/admin/check?next=")
    assert len(factors_of(lost)) == 1


def test_the_organisers_page_shows_who_has_a_second_factor(client, admin, lost):
    page = client.get("/admin/users").get_data(as_text=True)
    theirs = client.get(f"/admin/users/{lost.id}").get_data(as_text=True)

    assert "Second factor" in page
    assert "Authenticator app" in theirs and "Reset second factors" in theirs
