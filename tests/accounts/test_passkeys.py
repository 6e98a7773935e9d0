"""Passkeys and security keys: added on the Security page, used at the sign-in's second step
and on the check-again page. Every answer here is signed for real by a software authenticator
(a P-256 key), so the server checks the same bytes a security key would send."""

import json
import threading
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from campaign.accounts.factors import factors_of, totp
from campaign.accounts.factors.models import RecoveryCode, SecondFactor
from campaign.accounts.factors.passkeys import KIND
from campaign.accounts.factors.passkeys.models import Passkey, PasskeyChallenge
from campaign.accounts.factors.passkeys.views import ceremonies
from campaign.accounts.models import User
from campaign.accounts.reauth import CHECKED_AT
from campaign.accounts.service import create_user
from campaign.audit.models import AuditEntry
from campaign.db import utcnow
from campaign.extensions import db, limiter
from tests.conftest import ON_POSTGRES, RequestPerContextClient, committed_to
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.authenticators import SoftwareAuthenticator, b64url, make_passkey
from tests.helpers import csrf_token, post_form

ORIGIN = "http://campaign.test"  # TestingConfig's SITE_URL
NEW = "/admin/security/passkeys/new"


@pytest.fixture
def key() -> SoftwareAuthenticator:
    return SoftwareAuthenticator(ORIGIN)


def registration_options(client, name: str = "blue key"):
    return post_form(client, "/admin/security/passkeys/options", {"name": name}, form_url=NEW)


def add_key(client, authenticator, name: str = "blue key", **answer_changes):
    """The Security page's ceremony as the browser's script runs it; the final response."""
    options = registration_options(client, name)
    assert options.status_code == 200, options.get_data(as_text=True)
    answer = authenticator.create(options.get_json(), **answer_changes)
    return post_form(client, NEW, {"name": name, "credential": json.dumps(answer)})


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def password_step(client, user):
    response = post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/login/code"


def sign_in_options(client):
    response = post_form(client, "/admin/login/passkey/options", {}, form_url="/admin/login/code")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def sign_in_with(client, answer: dict):
    return post_form(
        client,
        "/admin/login/passkey",
        {"credential": json.dumps(answer)},
        form_url="/admin/login/code",
    )


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


# Adding a key


def test_an_organiser_adds_a_key_and_only_its_public_key_is_kept(client, organiser, key):
    response = add_key(client, key, name="blue key")

    assert response.status_code == 200  # the first factor: its recovery codes, shown once
    page = response.get_data(as_text=True)
    assert "Your key is added. Keep these recovery codes" in page
    assert response.headers["Cache-Control"] == "no-store"
    [factor] = factors_of(organiser)
    assert (factor.kind, factor.name, factor.confirmed) == (KIND, "blue key", True)
    assert factor.passkey.credential_id == key.id
    assert factor.passkey.public_key == key.cose_bytes()
    assert (factor.passkey.sign_count, factor.passkey.transports) == (1, "usb")
    [added] = entries("second factor added")
    assert (added.actor_id, added.object_kind, added.object_id) == (
        organiser.id,
        "user",
        organiser.id,
    )
    assert added.detail == KIND


def test_a_second_key_goes_back_to_the_security_page(client, organiser, key):
    add_key(client, key)

    response = add_key(client, SoftwareAuthenticator(ORIGIN), name="laptop")

    assert (response.status_code, response.headers["Location"]) == (303, "/admin/security")
    page = client.get("/admin/security").get_data(as_text=True)
    assert "laptop" in page and "blue key" in page
    assert "Passkey or security key" in page


def test_registration_options_name_our_site_and_prefer_user_verification(client, organiser, key):
    add_key(client, key)

    options = registration_options(client).get_json()

    assert options["rp"] == {"id": "campaign.test", "name": "Campaign"}
    assert options["user"]["name"] == organiser.email
    assert organiser.email.encode() not in json.dumps(options["user"]["id"]).encode()
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["attestation"] == "none"
    # The key already added is named, so the browser does not make it a second time.
    assert [item["id"] for item in options["excludeCredentials"]] == [key.id]


def test_the_same_key_cannot_be_added_twice(client, organiser, key):
    add_key(client, key)

    again = add_key(client, key, name="again")

    assert again.status_code == 400
    assert "That key is already added." in again.get_data(as_text=True)
    assert len(factors_of(organiser)) == 1


def test_a_key_answering_a_look_alike_site_is_refused(client, organiser, key):
    response = add_key(client, key, origin="https://campaign.test.login-check.example")

    assert response.status_code == 400
    assert "could not be checked" in response.get_data(as_text=True)
    assert factors_of(organiser) == []


def test_a_key_made_for_another_site_is_refused(client, organiser, key):
    options = registration_options(client).get_json()
    options["rp"]["id"] = "login-check.example"  # what a phishing page would ask for

    response = post_form(
        client, NEW, {"name": "blue key", "credential": json.dumps(key.create(options))}
    )

    assert response.status_code == 400
    assert factors_of(organiser) == []


def test_a_registration_challenge_is_answered_once(client, organiser, key):
    options = registration_options(client).get_json()
    answer = json.dumps(key.create(options))
    post_form(client, NEW, {"name": "blue key", "credential": answer})

    replay = post_form(client, NEW, {"name": "blue key", "credential": answer})

    assert replay.status_code == 400
    assert "Start again" in replay.get_data(as_text=True)
    assert db.session.scalars(select(PasskeyChallenge)).all() == []


def test_an_expired_challenge_is_refused(client, organiser, key):
    options = registration_options(client).get_json()
    challenge = db.session.scalars(select(PasskeyChallenge)).one()
    challenge.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = post_form(
        client, NEW, {"name": "blue key", "credential": json.dumps(key.create(options))}
    )

    assert response.status_code == 400
    assert "That took too long" in response.get_data(as_text=True)
    assert factors_of(organiser) == []


def test_a_key_needs_a_name(client, organiser):
    options = registration_options(client, name="  ")
    page = post_form(client, NEW, {"name": "", "credential": "{}"})

    assert options.status_code == 400
    assert options.get_json() == {"error": "Give the key a name."}
    assert page.status_code == 400
    assert "Give the key a name." in page.get_data(as_text=True)


def test_without_javascript_the_page_says_a_passkey_needs_it(client, organiser):
    page = client.get(NEW).get_data(as_text=True)
    response = post_form(client, NEW, {"name": "blue key", "credential": ""})

    assert "<noscript>" in page and "needs JavaScript" in page
    assert response.status_code == 400
    assert "Passkeys need JavaScript turned on." in response.get_data(as_text=True)


ODD_ANSWERS = [
    "not json",
    "[]",
    "{}",
    '{"id": 1, "rawId": [], "response": "x", "type": "public-key"}',
    '{"id": "AA", "rawId": "AA", "type": "public-key", "response": {}}',
    json.dumps(
        {
            "id": "AA",
            "rawId": "AA",
            "type": "public-key",
            "response": {"clientDataJSON": "%%%", "attestationObject": "@@@"},
        }
    ),
    json.dumps(
        {
            "id": "AA",
            "rawId": "AA",
            "type": "public-key",
            "response": {"clientDataJSON": b64url(b"{}"), "attestationObject": b64url(b"\xff")},
        }
    ),
    "x" * 20_000,
]


@pytest.mark.parametrize("answer", ODD_ANSWERS)
def test_a_malformed_registration_answer_is_refused_with_a_reason(client, organiser, answer):
    registration_options(client)

    response = post_form(client, NEW, {"name": "blue key", "credential": answer})

    assert response.status_code == 400
    assert "could not be checked" in response.get_data(as_text=True)


def test_passkeys_say_when_the_site_is_reached_by_an_ip_address(app_settings, client, organiser):
    app_settings(SITE_URL="http://127.0.0.1:5000")

    page = client.get(NEW).get_data(as_text=True)

    assert "not by an IP address" in page


# Signing in: the password, then the key


@pytest.fixture
def keyholder(session, key):
    user = make_user(email="keyholder@example.org")
    make_passkey(user, key)
    db.session.commit()
    return user


def test_signing_in_with_a_key_after_the_password(client, keyholder, key):
    password_step(client, keyholder)
    assert not signed_in(client)

    response = sign_in_with(client, key.get(sign_in_options(client)))

    assert (response.status_code, response.headers["Location"]) == (302, "/admin/")
    assert signed_in(client)
    [factor] = factors_of(keyholder)
    assert factor.passkey.sign_count == key.sign_count
    assert factor.last_used_at is not None
    [sign_in] = entries("sign-in")
    assert (sign_in.actor_id, sign_in.detail) == (keyholder.id, "password and passkey")


def test_the_second_step_offers_the_key_first(client, keyholder):
    password_step(client, keyholder)

    page = client.get("/admin/login/code").get_data(as_text=True)

    assert page.index("Use a passkey or security key") < page.index('name="code"')
    assert "passkeys.js" in page
    assert "A passkey needs JavaScript" in page  # inside <noscript>


def test_sign_in_options_name_only_this_accounts_keys(client, keyholder, key):
    other = make_user()
    make_passkey(other, SoftwareAuthenticator(ORIGIN))
    db.session.commit()
    password_step(client, keyholder)

    options = sign_in_options(client)

    assert options["rpId"] == "campaign.test"
    assert options["userVerification"] == "preferred"
    assert [item["id"] for item in options["allowCredentials"]] == [key.id]
    assert options["allowCredentials"][0]["transports"] == ["usb"]


def test_a_look_alike_sites_answer_does_not_sign_in(client, keyholder, key):
    password_step(client, keyholder)
    # A phishing page relays our challenge; the browser names the page it is really on.
    answer = key.get(sign_in_options(client), origin="https://campaign-test.example")

    response = sign_in_with(client, answer)

    assert response.status_code == 400
    assert not signed_in(client)
    [failed] = entries("sign-in failed")
    assert (failed.object_id, failed.detail) == (keyholder.id, KIND)


def test_a_signature_for_another_relying_party_does_not_sign_in(client, keyholder, key):
    password_step(client, keyholder)

    response = sign_in_with(client, key.get(sign_in_options(client), rp_id="campaign-test.example"))

    assert response.status_code == 400
    assert not signed_in(client)


def test_a_forged_signature_does_not_sign_in(client, keyholder, key):
    impostor = SoftwareAuthenticator(ORIGIN)
    impostor.credential_id = key.credential_id  # the right id, another private key
    password_step(client, keyholder)

    response = sign_in_with(client, impostor.get(sign_in_options(client)))

    assert response.status_code == 400
    assert "could not be checked" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_another_organisers_key_does_not_sign_in(client, keyholder):
    stranger = SoftwareAuthenticator(ORIGIN)
    make_passkey(make_user(), stranger)
    db.session.commit()
    password_step(client, keyholder)
    options = sign_in_options(client)
    options["allowCredentials"] = []  # the stranger's browser would offer its own key

    response = sign_in_with(client, stranger.get(options))

    assert response.status_code == 400
    assert "not one of this account" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_sign_in_challenge_is_answered_once(client, keyholder, key):
    password_step(client, keyholder)
    answer = key.get(sign_in_options(client))
    sign_in_with(client, answer)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    password_step(client, keyholder)

    replay = sign_in_with(client, answer)

    assert replay.status_code == 400
    assert "Start again" in replay.get_data(as_text=True)
    assert not signed_in(client)


def test_a_challenge_belongs_to_the_browser_it_was_given_to(app, client, keyholder, key):
    password_step(client, keyholder)
    answer = key.get(sign_in_options(client))
    thief = app.test_client()
    password_step(thief, keyholder)  # the thief has the password, and the answer too

    response = sign_in_with(thief, answer)

    assert response.status_code == 400
    assert not signed_in(thief)


def test_a_registration_challenge_does_not_sign_in(client, keyholder, key):
    password_step(client, keyholder)
    sign_in_options(client)
    challenge = db.session.scalars(select(PasskeyChallenge)).one()
    challenge.purpose = ceremonies.REGISTER
    db.session.commit()
    options = {"challenge": challenge.challenge, "rpId": "campaign.test"}

    response = sign_in_with(client, key.get(options))

    assert response.status_code == 400
    assert not signed_in(client)


def test_a_counter_that_goes_backwards_is_refused(client, keyholder, key):
    factor = factors_of(keyholder)[0]
    factor.passkey.sign_count = 41
    db.session.commit()
    key.sign_count = 39  # a copy of the key, behind the original
    password_step(client, keyholder)

    response = sign_in_with(client, key.get(sign_in_options(client)))

    assert response.status_code == 400
    assert "counter went backwards" in response.get_data(as_text=True)
    assert not signed_in(client)
    db.session.refresh(factor.passkey)
    assert factor.passkey.sign_count == 41


def test_a_key_that_keeps_no_count_signs_in_again_and_again(client, session):
    key = SoftwareAuthenticator(ORIGIN, counts=False)
    user = make_user()
    make_passkey(user, key)
    db.session.commit()

    for _time in range(2):
        password_step(client, user)
        response = sign_in_with(client, key.get(sign_in_options(client)))
        assert response.status_code == 302
        client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})

    assert factors_of(user)[0].passkey.sign_count == 0


def test_a_key_without_user_verification_still_counts_as_a_second_factor(client, session):
    key = SoftwareAuthenticator(ORIGIN, verifies_user=False)  # a plain touch-only key
    user = make_user()
    make_passkey(user, key)
    db.session.commit()
    password_step(client, user)

    response = sign_in_with(client, key.get(sign_in_options(client)))

    assert response.status_code == 302


@pytest.mark.parametrize("answer", ODD_ANSWERS)
def test_a_malformed_sign_in_answer_is_refused_with_a_reason(client, keyholder, answer):
    password_step(client, keyholder)
    sign_in_options(client)

    response = post_form(
        client, "/admin/login/passkey", {"credential": answer}, form_url="/admin/login/code"
    )

    assert response.status_code == 400
    assert "Use a passkey or security key" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_the_key_step_needs_the_password_step_first(client, keyholder):
    options = client.post(
        "/admin/login/passkey/options", data={"csrf_token": csrf_token(client, "/admin/login")}
    )
    finish = client.post(
        "/admin/login/passkey",
        data={"csrf_token": csrf_token(client, "/admin/login"), "credential": "{}"},
    )

    assert options.status_code == 400
    assert "not finished in time" in options.get_json()["error"]
    assert (finish.status_code, finish.headers["Location"]) == (302, "/admin/login")


def test_an_account_without_a_key_gets_no_sign_in_options(client, session):
    user = make_user()
    totp.new_factor(user).confirmed_at = utcnow()  # an authenticator app only
    db.session.commit()
    password_step(client, user)

    response = post_form(client, "/admin/login/passkey/options", {}, form_url="/admin/login/code")

    assert response.status_code == 400
    assert "Use a passkey" not in client.get("/admin/login/code").get_data(as_text=True)


# Checking it is you again


def an_hour_ago(client) -> None:
    with client.session_transaction() as stored:
        stored[CHECKED_AT] = utcnow().timestamp() - 3600


@pytest.fixture
def signed_in_keyholder(client, keyholder, key):
    password_step(client, keyholder)
    sign_in_with(client, key.get(sign_in_options(client)))
    return keyholder


def check_options(client, page: str):
    response = post_form(client, "/admin/check/passkey/options", {}, form_url=page)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_key_renews_the_check_and_goes_on(client, signed_in_keyholder, key):
    an_hour_ago(client)
    page = f"/admin/check?next={quote('/admin/subscribers/')}"
    shown = client.get(page).get_data(as_text=True)
    assert shown.index("Use a passkey or security key") < shown.index('name="code"')

    answer = key.get(check_options(client, page))
    response = post_form(
        client,
        f"/admin/check/passkey?next={quote('/admin/subscribers/')}",
        {"credential": json.dumps(answer)},
        form_url=page,
    )

    assert (response.status_code, response.headers["Location"]) == (302, "/admin/subscribers/")
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] < 60


def test_a_refused_key_leaves_the_check_undone(client, signed_in_keyholder, key):
    an_hour_ago(client)
    answer = key.get(check_options(client, "/admin/check"), origin="https://evil.example")

    response = post_form(
        client, "/admin/check/passkey", {"credential": json.dumps(answer)}, form_url="/admin/check"
    )

    assert response.status_code == 400
    assert "Confirm it is you" in response.get_data(as_text=True)
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] > 3000


def test_the_check_never_sends_anyone_off_the_site(client, signed_in_keyholder, key):
    answer = key.get(check_options(client, "/admin/check"))

    response = post_form(
        client,
        "/admin/check/passkey?next=//evil.example/",
        {"credential": json.dumps(answer)},
        form_url="/admin/check",
    )

    assert response.headers["Location"] == "/admin/"


def test_adding_a_key_asks_for_a_recent_check(client, organiser):
    an_hour_ago(client)

    page = client.get(NEW)
    options = client.post(
        "/admin/security/passkeys/options",
        data={"csrf_token": csrf_token(client, "/admin/security"), "name": "blue key"},
        headers={"Referer": f"http://localhost{NEW}"},
    )

    assert page.headers["Location"].startswith("/admin/check?next=")
    assert options.headers["Location"] == f"/admin/check?next={NEW}"


# Removing, resetting, and REQUIRE_2FA


def test_removing_a_key_forgets_its_public_key(client, signed_in_keyholder):
    [factor] = factors_of(signed_in_keyholder)

    response = post_form(
        client, f"/admin/security/factors/{factor.id}/remove", {}, form_url="/admin/security"
    )

    assert response.status_code == 303
    assert db.session.scalars(select(Passkey)).all() == []
    [removed] = entries("second factor removed")
    assert (removed.object_id, removed.detail) == (signed_in_keyholder.id, KIND)


def test_an_admins_reset_removes_keys_too(client, auth, keyholder):
    admin = auth.sign_in(role="admin")

    response = post_form(
        client,
        f"/admin/users/{keyholder.id}/factors/reset",
        {},
        form_url=f"/admin/users/{keyholder.id}",
    )

    assert response.status_code == 303
    assert db.session.scalars(select(Passkey)).all() == []
    assert db.session.scalars(select(SecondFactor)).all() == []
    assert admin.id != keyholder.id


def test_require_2fa_lets_a_new_organiser_add_a_key_then_the_console(
    app_settings, client, auth, key
):
    app_settings(REQUIRE_2FA=True)

    auth.sign_in()
    held = client.get("/admin/campaigns")
    start = post_form(client, "/admin/security/passkeys/start", {}, form_url="/admin/security")
    added = add_key(client, key)
    free = client.get("/admin/campaigns")

    assert held.headers["Location"] == "/admin/security"
    assert "Add a passkey or security key" in client.get("/admin/security").get_data(as_text=True)
    assert (start.status_code, start.headers["Location"]) == (303, NEW)
    assert added.status_code == 200
    assert free.status_code == 200


# Who may use each route, and CSRF


CONSOLE_POSTS = [
    "/admin/security/passkeys/start",
    NEW,
    "/admin/security/passkeys/options",
]
SIGN_IN_POSTS = ["/admin/login/passkey/options", "/admin/login/passkey"]
CHECK_POSTS = ["/admin/check/passkey/options", "/admin/check/passkey"]


@pytest.mark.parametrize("url", CONSOLE_POSTS + CHECK_POSTS + [NEW + "?get"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    if url.endswith("?get"):
        response = client.get(url.removesuffix("?get"))
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client, "/admin/login")})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_alike_add_their_own_keys(client, auth, key, role):
    user = auth.sign_in(role=role)

    add_key(client, key)

    assert [factor.kind for factor in factors_of(user)] == [KIND]


@pytest.mark.parametrize("url", CONSOLE_POSTS)
def test_console_routes_refuse_a_missing_csrf_token(client, organiser, url):
    response = client.post(url, data={"name": "blue key", "credential": "{}"})

    assert response.status_code == 400
    assert db.session.scalars(select(PasskeyChallenge)).all() == []


@pytest.mark.parametrize("url", SIGN_IN_POSTS)
def test_sign_in_routes_refuse_a_missing_csrf_token(client, keyholder, url):
    password_step(client, keyholder)

    response = client.post(url, data={"credential": "{}"})

    assert response.status_code == 400
    assert not signed_in(client)
    assert entries("sign-in failed") == []  # refused before the view


@pytest.mark.parametrize("url", CHECK_POSTS)
def test_check_routes_refuse_a_missing_csrf_token(client, signed_in_keyholder, url):
    an_hour_ago(client)

    response = client.post(url, data={"credential": "{}"})

    assert response.status_code == 400
    with client.session_transaction() as stored:
        assert utcnow().timestamp() - stored[CHECKED_AT] > 3000


def test_key_answers_are_rate_limited_like_passwords(app, client, keyholder):
    password_step(client, keyholder)
    token = csrf_token(client, "/admin/login/code")
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])

    statuses = [
        client.post(
            "/admin/login/passkey", data={"csrf_token": token, "credential": "{}"}
        ).status_code
        for _attempt in range(limit + 1)
    ]

    assert statuses[:limit] == [400] * limit
    assert statuses[limit] == 429


# One answer sent twice, with real commits on separate connections: the session cookie is
# signed, not stored, so a copy of it still names the challenge; the row decides.


@pytest.fixture
def committed(app):
    tables = (PasskeyChallenge, Passkey, RecoveryCode, SecondFactor, AuditEntry, User)
    with committed_to(app, *tables) as session:
        limiter.reset()
        key = SoftwareAuthenticator(ORIGIN)
        user = create_user("racer@example.org", PASSWORD)
        make_passkey(user, key)
        session.commit()
        yield session, user, key


def browsers_sharing_one_answer(app, user, key, how_many: int = 2):
    """A browser past the password with the key's answer, and copies of its session cookie."""
    first = RequestPerContextClient(app, app.response_class)
    password_step(first, user)
    token = csrf_token(first, "/admin/login/code")
    answer = json.dumps(key.get(sign_in_options(first)))
    cookie = first.get_cookie("session")
    browsers = [first]
    for _copy in range(how_many - 1):
        browser = RequestPerContextClient(app, app.response_class)
        browser.set_cookie("session", cookie.value, domain=cookie.domain)
        browsers.append(browser)
    return browsers, {"csrf_token": token, "credential": answer}


def test_a_copied_session_cookie_cannot_answer_a_used_challenge_again(app, committed):
    session, user, key = committed
    (first, copy), form = browsers_sharing_one_answer(app, user, key)

    signed_in = first.post("/admin/login/passkey", data=form)
    replayed = copy.post("/admin/login/passkey", data=form)

    assert (signed_in.status_code, replayed.status_code) == (302, 400)
    assert "Start again" in replayed.get_data(as_text=True)
    session.rollback()  # read what the requests committed since
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["sign-in", "sign-in failed"]
    assert session.scalars(select(PasskeyChallenge)).all() == []


@pytest.mark.postgres
def test_one_answer_sent_twice_at_once_signs_in_only_once(app, committed):
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer at a time")
    session, user, key = committed
    browsers, form = browsers_sharing_one_answer(app, user, key)
    start = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def send(browser) -> None:
        start.wait()
        with app.app_context():
            statuses.append(browser.post("/admin/login/passkey", data=form).status_code)

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 400]
    session.rollback()
    actions = session.scalars(select(AuditEntry.action)).all()
    assert sorted(actions) == ["sign-in", "sign-in failed"]


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [
        ("https://Campaign.Example.org", ("campaign.example.org", "https://campaign.example.org")),
        (
            "https://campaign.example.org:443/",
            ("campaign.example.org", "https://campaign.example.org"),
        ),
        ("http://localhost:5000", ("localhost", "http://localhost:5000")),
        ("https://example.org:8443/site", ("example.org", "https://example.org:8443")),
    ],
)
def test_the_relying_party_and_origin_come_from_site_url(app, app_settings, site_url, expected):
    app_settings(SITE_URL=site_url)

    with app.app_context():
        assert ceremonies.relying_party() == expected
