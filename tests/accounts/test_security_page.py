"""The Security page: an organiser's own second factors and recovery codes."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from campaign.accounts.factors import factors_of, recovery, totp
from campaign.accounts.factors.models import SecondFactor
from campaign.audit.models import AuditEntry
from tests.factories.accounts import PASSWORD, give_recovery_codes, make_authenticator, make_user
from tests.helpers import csrf_token, last_checked_an_hour_ago, post_form

SECURITY = "/admin/security"
KEY = re.compile(r'<code id="totp-key" dir="ltr">([A-Z2-7 ]+)</code>')
CODES = re.compile(r"<li><code>([a-z2-7]{4}(?:-[a-z2-7]{4}){3})</code></li>")


def start_app(client):
    started = post_form(client, "/admin/security/totp", {}, form_url=SECURITY)
    assert started.status_code == 303
    url = started.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    return url, page, KEY.search(page).group(1).replace(" ", "")


def actions(session) -> list[tuple[str, int | None, str]]:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(entry.action, entry.object_id, entry.detail) for entry in entries]


def test_setting_up_an_app_shows_our_own_qr_code_and_the_key(client, organiser):
    _url, page, key = start_app(client)

    assert "<svg" in page and 'class="segno"' in page
    assert len(key) == 32
    assert f"secret={key}" in page  # the otpauth:// link, for an app on this device
    assert not re.search(r'(src|href)="https?://', page)  # nothing from another site
    assert factors_of(organiser) == []  # not until a code proves it


def test_a_right_code_turns_the_app_on_and_shows_ten_recovery_codes_once(
    client, organiser, session
):
    url, _page, key = start_app(client)

    response = post_form(client, url, {"code": pyotp.TOTP(key).now(), "name": "work phone"})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = CODES.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    [factor] = factors_of(organiser)
    assert factor.name == "work phone"
    assert recovery.use_code(organiser, codes[0])
    assert ("second factor added", organiser.id, "totp") in actions(session)
    assert codes[1] not in client.get(SECURITY).get_data(as_text=True)
    assert client.get(url).headers["Location"] == SECURITY  # finished: not shown again


def test_the_code_that_confirmed_the_app_cannot_sign_in(app, client, organiser):
    url, _page, key = start_app(client)
    code = pyotp.TOTP(key).now()
    post_form(client, url, {"code": code})

    other = app.test_client()
    post_form(other, "/admin/login", {"email": organiser.email, "password": PASSWORD})
    assert post_form(other, "/admin/login/code", {"code": code}).status_code == 400


def test_a_wrong_code_leaves_the_app_off_with_a_reason(client, organiser):
    url, _page, _key = start_app(client)

    response = post_form(client, url, {"code": "123456"})

    assert response.status_code == 400
    assert 'id="code-error"' in response.get_data(as_text=True)
    assert factors_of(organiser) == []


@pytest.mark.parametrize("typed", ["", "x" * 65, "12345\x00"])
def test_bad_input_on_the_set_up_page_is_a_400(client, organiser, typed):
    url, _page, _key = start_app(client)

    assert post_form(client, url, {"code": typed}).status_code == 400


def test_a_second_app_keeps_the_recovery_codes(client, organiser, session):
    make_authenticator(organiser)
    codes = give_recovery_codes(organiser)
    url, _page, key = start_app(client)

    response = post_form(client, url, {"code": pyotp.TOTP(key).now()})

    assert response.headers["Location"] == SECURITY
    assert len(factors_of(organiser)) == 2
    assert recovery.use_code(organiser, codes[0])


def test_someone_elses_set_up_is_not_shown(client, organiser, session):
    other = make_user()
    theirs = totp.new_factor(other)

    response = client.get(f"/admin/security/totp/{theirs.id}")

    assert response.headers["Location"] == SECURITY
    assert theirs.secret not in client.get(SECURITY).get_data(as_text=True)


def test_removing_an_app_is_audited(client, organiser, session):
    keep = make_authenticator(organiser, name="old phone")
    gone = make_authenticator(organiser, name="lost phone")

    response = post_form(client, f"/admin/security/factors/{gone.id}/remove", {}, SECURITY)

    assert response.headers["Location"] == SECURITY
    assert factors_of(organiser) == [keep]
    assert ("second factor removed", organiser.id, "totp") in actions(session)


def test_the_last_factor_stays_while_require_2fa_holds(client, organiser, app_settings):
    app_settings(REQUIRE_2FA=True)
    only = make_authenticator(organiser)

    response = post_form(client, f"/admin/security/factors/{only.id}/remove", {}, SECURITY)

    assert response.status_code == 400
    assert "add another before removing this one" in response.get_data(as_text=True)
    assert factors_of(organiser) == [only]


def test_removing_the_last_factor_takes_the_recovery_codes_with_it(client, organiser):
    only = make_authenticator(organiser)
    codes = give_recovery_codes(organiser)

    post_form(client, f"/admin/security/factors/{only.id}/remove", {}, SECURITY)

    assert factors_of(organiser) == []
    assert not recovery.use_code(organiser, codes[0])


def test_nobody_removes_another_organisers_factor(client, organiser, session):
    theirs = make_authenticator(make_user())

    response = post_form(client, f"/admin/security/factors/{theirs.id}/remove", {}, SECURITY)

    assert response.status_code == 404
    assert session.scalar(select(func.count()).select_from(SecondFactor)) == 1


def test_new_recovery_codes_replace_the_old_and_are_audited(client, organiser, session):
    make_authenticator(organiser)
    old = give_recovery_codes(organiser)

    response = post_form(client, "/admin/security/recovery-codes", {}, SECURITY)

    assert response.headers["Cache-Control"] == "no-store"
    new = CODES.findall(response.get_data(as_text=True))
    assert len(new) == 10
    assert not recovery.use_code(organiser, old[0])
    assert recovery.use_code(organiser, new[0])
    [entry] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "recovery codes regenerated")
    )
    assert (entry.object_id, entry.rows) == (organiser.id, 10)


def test_recovery_codes_need_a_factor_to_stand_behind(client, organiser):
    response = post_form(client, "/admin/security/recovery-codes", {}, SECURITY)

    assert response.status_code == 400
    assert "Add a second factor first" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/security/totp",
        "/admin/security/recovery-codes",
        "/admin/security/factors/{id}/remove",
    ],
)
def test_each_change_asks_for_a_recent_check(client, organiser, path):
    factor = make_authenticator(organiser)
    last_checked_an_hour_ago(client)

    response = post_form(
        client,
        path.format(id=factor.id),
        {},
        SECURITY,
        headers={"Referer": f"http://localhost{SECURITY}"},
    )

    assert response.headers["Location"].startswith("/admin/check?next=")
    assert factors_of(organiser) == [factor]


def test_the_set_up_page_asks_for_a_recent_check_too(client, organiser):
    url, _page, _key = start_app(client)
    last_checked_an_hour_ago(client)

    assert client.get(url).headers["Location"].startswith("/admin/check?next=")


POSTS = [
    "/admin/security/totp",
    "/admin/security/totp/{pending}",
    "/admin/security/factors/{factor}/remove",
    "/admin/security/recovery-codes",
]


@pytest.mark.parametrize("path", POSTS)
def test_each_post_refuses_a_missing_csrf_token(client, organiser, path, session):
    factor = make_authenticator(organiser)
    pending = totp.new_factor(organiser)
    before = session.scalar(select(func.count()).select_from(SecondFactor))

    response = client.post(path.format(factor=factor.id, pending=pending.id), data={"code": "1"})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(SecondFactor)) == before


@pytest.mark.parametrize("path", [SECURITY, "/admin/security/totp/1", *POSTS])
def test_each_page_is_for_signed_in_organisers(client, session, path):
    url = path.format(factor=1, pending=1)
    response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/login")})
    if path in (SECURITY, "/admin/security/totp/1"):
        response = client.get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")


def test_editors_have_a_security_page_of_their_own(client, organiser):
    page = client.get(SECURITY)

    assert page.status_code == 200
    assert "Add an authenticator app" in page.get_data(as_text=True)
