"""Signing in to an account with a second factor: the password, then a code. The password
alone signs nobody in."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.accounts.factors import factors_of, signin, totp
from campaign.accounts.factors.models import RecoveryCode, SecondFactor
from campaign.accounts.models import User
from campaign.accounts.service import create_user, set_password
from campaign.audit.models import AuditEntry
from campaign.db import utcnow
from campaign.extensions import db, limiter
from tests.conftest import ON_POSTGRES, RequestPerContextClient, committed_to
from tests.factories.accounts import (
    PASSWORD,
    code_of,
    give_recovery_codes,
    make_authenticator,
    make_user,
)
from tests.helpers import csrf_token, post_form

WRONG_CODE = "That code is not right, or it was used already."


@pytest.fixture
def user(session):
    user = make_user(email="uyghur.voices@example.org")
    make_authenticator(user)
    return user


def user_factor(user):
    return factors_of(user)[0]


def give_password(client, user, next_path: str = ""):
    url = f"/admin/login{next_path and '?next=' + next_path}"
    return post_form(client, url, {"email": user.email, "password": PASSWORD})


def audit(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_the_password_alone_opens_nothing(client, user):
    response = give_password(client, user)

    assert response.headers["Location"] == "/admin/login/code"
    assert client.get("/admin/").headers["Location"].startswith("/admin/login")
    assert client.get("/admin/security").headers["Location"].startswith("/admin/login")
    assert user.last_login_at is None
    assert audit(db.session, "sign-in") == []


def test_the_code_after_the_password_signs_in_and_goes_where_asked(client, user, session):
    give_password(client, user, "/admin/campaigns")

    response = post_form(client, "/admin/login/code", {"code": code_of(user_factor(user))})

    assert response.headers["Location"] == "/admin/campaigns"
    assert client.get("/admin/").status_code == 200
    assert user.last_login_at is not None
    [entry] = audit(session, "sign-in")
    assert (entry.actor_id, entry.object_id, entry.detail) == (
        user.id,
        user.id,
        "password and totp",
    )


def test_a_wrong_code_is_refused_beside_the_field_and_audited_without_the_address(
    client, user, session
):
    give_password(client, user)

    response = post_form(client, "/admin/login/code", {"code": "000000"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert WRONG_CODE in html and 'id="code-error"' in html
    assert client.get("/admin/").status_code == 302
    [entry] = audit(session, "sign-in failed")
    assert entry.actor_id is None and entry.actor == ""
    assert (entry.object_kind, entry.object_id) == ("user", user.id)
    assert user.email not in entry.detail


def test_a_wrong_password_is_audited_by_nobody_and_without_the_address(client, user, session):
    post_form(client, "/admin/login", {"email": user.email, "password": "not it"})
    post_form(client, "/admin/login", {"email": "nobody@example.org", "password": "not it"})

    known, unknown = audit(session, "sign-in failed")
    assert (known.actor_id, known.actor, known.object_id) == (None, "", user.id)
    assert (unknown.actor_id, unknown.actor, unknown.object_id) == (None, "", None)
    for entry in (known, unknown):
        assert "@" not in entry.detail


def test_a_code_used_to_sign_in_cannot_sign_in_again(app, client, user):
    code = code_of(user_factor(user))
    give_password(client, user)
    post_form(client, "/admin/login/code", {"code": code})

    thief = app.test_client()
    give_password(thief, user)
    replayed = post_form(thief, "/admin/login/code", {"code": code})

    assert replayed.status_code == 400
    assert WRONG_CODE in replayed.get_data(as_text=True)


def test_a_code_from_minutes_ago_is_refused(client, user):
    give_password(client, user)

    response = post_form(client, "/admin/login/code", {"code": code_of(user_factor(user), -120)})

    assert response.status_code == 400


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(app, client, user):
    codes = give_recovery_codes(user)
    give_password(client, user)

    response = post_form(client, "/admin/login/code", {"code": codes[0]}, follow_redirects=True)

    assert response.status_code == 200
    assert "9 are left" in response.get_data(as_text=True)
    again = app.test_client()
    give_password(again, user)
    assert post_form(again, "/admin/login/code", {"code": codes[0]}).status_code == 400


def test_a_half_finished_sign_in_expires_after_a_few_minutes(client, user):
    give_password(client, user)
    with client.session_transaction() as stored:
        too_long_ago = utcnow() - timedelta(minutes=signin.SECOND_STEP_MINUTES + 1)
        stored[signin.PENDING] = stored[signin.PENDING] | {"at": too_long_ago.timestamp()}

    response = post_form(
        client, "/admin/login/code", {"code": code_of(user_factor(user))}, form_url="/admin/login"
    )

    assert response.headers["Location"] == "/admin/login"
    assert client.get("/admin/").status_code == 302


def test_a_password_change_in_between_ends_the_half_finished_sign_in(client, user, session):
    give_password(client, user)
    set_password(user, "somebody else's new password")
    session.commit()

    assert client.get("/admin/login/code").headers["Location"] == "/admin/login"


def test_the_session_carries_no_key_or_code_between_the_steps(app, client, user):
    give_password(client, user)

    cookie = client.get_cookie("session").value
    carried = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert set(carried) == {signin.PENDING}
    assert set(carried[signin.PENDING]) == {"account", "id", "at", "next"}
    assert user_factor(user).secret not in str(carried)


def test_the_second_step_without_a_password_first_sends_back_to_sign_in(client, session):
    assert client.get("/admin/login/code").headers["Location"] == "/admin/login"


def test_the_second_step_refuses_a_post_without_csrf_token(client, user):
    give_password(client, user)

    response = client.post("/admin/login/code", data={"code": code_of(user_factor(user))})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_the_second_step_is_rate_limited_per_account_across_addresses(app, app_settings, user):
    app_settings(LOGIN_RATE_LIMIT="3 per minute")
    statuses = []
    for number in range(4):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        give_password(browser, user)
        response = post_form(browser, "/admin/login/code", {"code": "000000"})
        statuses.append(response.status_code)

    assert statuses == [400, 400, 400, 429]


def test_an_organiser_without_a_second_factor_still_signs_in_with_the_password(client, session):
    plain = make_user()

    response = give_password(client, plain)

    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


# One code in two browsers, with real commits on separate connections.


@pytest.fixture
def committed(app):
    with committed_to(app, RecoveryCode, SecondFactor, AuditEntry, User) as session:
        limiter.reset()
        user = create_user("racer@example.org", PASSWORD)
        factor = totp.new_factor(user)
        factor.confirmed_at = utcnow()
        session.commit()
        yield session, user, factor


def browsers_at_the_second_step(app, user, how_many: int = 2):
    """Browsers each past the password; each request in an app context of its own."""
    browsers = [RequestPerContextClient(app, app.response_class) for _ in range(how_many)]
    tokens = []
    for browser in browsers:
        give_password(browser, user)
        tokens.append(csrf_token(browser, "/admin/login/code"))
    return list(zip(browsers, tokens, strict=True))


def test_a_code_committed_as_used_is_refused_to_the_next_browser(app, committed):
    session, user, factor = committed
    (first, first_token), (second, second_token) = browsers_at_the_second_step(app, user)
    code = code_of(factor)

    signed_in = first.post("/admin/login/code", data={"csrf_token": first_token, "code": code})
    replayed = second.post("/admin/login/code", data={"csrf_token": second_token, "code": code})

    assert (signed_in.status_code, replayed.status_code) == (302, 400)
    assert (first.get("/admin/").status_code, second.get("/admin/").status_code) == (200, 302)
    session.rollback()  # read what the requests committed since
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["sign-in", "sign-in failed"]


@pytest.mark.postgres
def test_one_code_sent_twice_at_once_signs_in_only_once(app, committed):
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer at a time")
    session, user, factor = committed
    pairs = browsers_at_the_second_step(app, user)
    code = code_of(factor)
    start = threading.Barrier(len(pairs))
    statuses: list[int] = []

    def send(browser, token) -> None:
        start.wait()
        with app.app_context():
            response = browser.post("/admin/login/code", data={"csrf_token": token, "code": code})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 400]
    session.rollback()
    actions = session.scalars(select(AuditEntry.action)).all()
    assert sorted(actions) == ["sign-in", "sign-in failed"]
