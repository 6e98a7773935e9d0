from campaign.accounts.models import Role
from campaign.accounts.service import set_active
from campaign.extensions import db
from tests.factories.accounts import PASSWORD, make_user
from tests.helpers import post_form

WRONG = "That email and password do not match an account."


def test_organiser_signs_in_and_reaches_the_console(client, session):
    user = make_user()

    response = post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert user.last_login_at is not None


def test_email_is_matched_whatever_its_case_and_spaces(client, session):
    make_user(email="maya@example.org")

    response = post_form(
        client, "/admin/login", {"email": " Maya@Example.ORG ", "password": PASSWORD}
    )

    assert response.status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, session):
    user = make_user()

    wrong_password = post_form(client, "/admin/login", {"email": user.email, "password": "nope"})
    unknown_email = post_form(
        client, "/admin/login", {"email": "nobody@example.org", "password": "nope"}
    )

    assert wrong_password.status_code == unknown_email.status_code == 400
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown_email.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_passwords_are_stored_as_argon2id_hashes(session):
    user = make_user()

    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_console_pages_send_visitors_to_sign_in_with_a_local_next(client, session):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=%2Fadmin%2F"


def test_sign_in_follows_a_local_next_and_ignores_another_site(client, auth, session):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}

    local = post_form(client, "/admin/login?next=/admin/password", data)
    assert local.headers["Location"] == "/admin/password"

    auth.sign_out()
    elsewhere = post_form(client, "/admin/login?next=https://evil.example/", data)
    assert elsewhere.headers["Location"] == "/admin/"


def test_login_without_csrf_token_is_refused(client, session):
    user = make_user()

    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_login_is_rate_limited(app, client, session):
    user = make_user()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [
            post_form(client, "/admin/login", {"email": user.email, "password": "bad"}).status_code
            for _ in range(4)
        ]
        blocked = post_form(client, "/admin/login", {"email": user.email, "password": PASSWORD})
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;50 per hour"

    assert statuses == [400, 400, 400, 429]
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_one_time_password_forces_a_new_password_first(client, auth, session):
    user = make_user(role=Role.ADMIN, must_change_password=True)
    auth.sign_in(user)

    assert client.get("/admin/").headers["Location"] == "/admin/password"
    response = post_form(
        client,
        "/admin/password",
        {
            "current_password": PASSWORD,
            "new_password": "a much better passphrase",
            "confirm_password": "a much better passphrase",
        },
    )

    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert user.must_change_password is False


def test_short_or_mismatched_new_password_is_refused_beside_the_field(client, auth, session):
    user = auth.sign_in()
    before = user.password_hash

    response = post_form(
        client,
        "/admin/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "other"},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="new_password-error"' in html
    assert "The two passwords differ." in html
    assert user.password_hash == before


def test_deactivated_organiser_is_signed_out_at_once(client, auth, session):
    user = make_user()
    make_user(role=Role.ADMIN)
    auth.sign_in(user)
    assert client.get("/admin/").status_code == 200

    set_active(user, False)
    db.session.commit()

    assert client.get("/admin/").status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(client, auth, session):
    auth.sign_in()

    assert client.get("/admin/logout").status_code == 405
    auth.sign_out()

    assert client.get("/admin/").status_code == 302


def test_signing_out_ends_every_copy_of_the_session(app, client, auth, session):
    auth.sign_in()
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/admin/").status_code == 200

    auth.sign_out()

    assert copied.get("/admin/").status_code == 302


def test_console_pages_are_never_stored_by_browsers_or_proxies(client, auth, session):
    auth.sign_in()

    assert client.get("/admin/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
