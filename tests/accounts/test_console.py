import re

from sqlalchemy import func, select

from campaign.accounts.models import Role, User
from campaign.accounts.passwords import verify_password
from tests.factories.accounts import PASSWORD, make_user
from tests.helpers import post_form, sign_in

ONE_TIME_PASSWORD = re.compile(r'<code id="one-time-password">([^<]+)</code>')


def one_time_password(response) -> str:
    match = ONE_TIME_PASSWORD.search(response.get_data(as_text=True))
    assert match, "no one-time password on the page"
    return match.group(1)


def session_data(app, client) -> dict:
    """What the signed (not encrypted) session cookie carries."""
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def test_admin_creates_an_editor_whose_one_time_password_forces_a_change(
    app, client, session, admin
):
    response = post_form(
        client, "/admin/users/new", {"email": " New.Editor@Example.org ", "role": "editor"}
    )

    # Shown once, straight from the POST: no redirect (the password would travel), no caching.
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response)
    editor = session.scalar(select(User).where(User.email == "new.editor@example.org"))
    assert editor.role == Role.EDITOR
    assert editor.must_change_password
    assert password not in editor.password_hash
    assert password not in str(session_data(app, client))

    newcomer = app.test_client()
    signed_in = post_form(
        newcomer, "/admin/login", {"email": "new.editor@example.org", "password": password}
    )
    assert signed_in.headers["Location"] == "/admin/password"
    assert newcomer.get("/admin/campaigns").headers["Location"] == "/admin/password"

    changed = post_form(
        newcomer,
        "/admin/password",
        {
            "current_password": password,
            "new_password": "a long password of my own",
            "confirm_password": "a long password of my own",
        },
    )
    assert changed.headers["Location"] == "/admin/"
    assert newcomer.get("/admin/campaigns").status_code == 200
    assert not editor.must_change_password


def test_organiser_with_a_taken_email_is_refused(client, session, admin):
    taken = make_user(email="taken@example.org")
    count = session.scalar(select(func.count()).select_from(User))

    response = post_form(
        client, "/admin/users/new", {"email": "TAKEN@example.org", "role": "admin"}
    )

    assert response.status_code == 400
    assert (
        '<p class="error" id="email-error">An account with that email address already exists.'
        in response.get_data(as_text=True)
    )
    assert session.scalar(select(func.count()).select_from(User)) == count
    assert taken.role == Role.EDITOR


def test_organiser_with_an_invalid_email_is_refused(client, session, admin):
    response = post_form(client, "/admin/users/new", {"email": "not-an-email", "role": "editor"})

    assert response.status_code == 400
    assert "Enter a valid email address" in response.get_data(as_text=True)


def test_editor_cannot_open_organiser_accounts(client, auth, session):
    editor = make_user(role=Role.EDITOR)
    other = make_user(role=Role.EDITOR)
    auth.sign_in(editor)

    assert 'href="/admin/users"' not in client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{other.id}"):
        page = client.get(path)
        assert page.status_code == 403
        assert "You do not have permission to see this page." in page.get_data(as_text=True)
    promotion = post_form(
        client, f"/admin/users/{editor.id}/role", {"role": "admin"}, form_url="/admin/"
    )
    deactivation = post_form(client, f"/admin/users/{other.id}/deactivate", {}, "/admin/")
    assert promotion.status_code == deactivation.status_code == 403
    assert editor.role == Role.EDITOR
    assert other.active


def test_admin_sees_the_organisers_link_and_list(client, session, admin):
    editor = make_user(email="someone@example.org")

    dashboard = client.get("/admin/").get_data(as_text=True)
    listing = client.get("/admin/users").get_data(as_text=True)

    assert 'href="/admin/users">Organisers</a>' in dashboard
    assert f'href="/admin/users/{editor.id}">someone@example.org</a>' in listing


def test_admin_changes_an_editors_role(client, session, admin):
    editor = make_user()
    page = f"/admin/users/{editor.id}"

    response = post_form(client, f"{page}/role", {"role": "admin"}, page)

    assert response.status_code == 303
    assert editor.role == Role.ADMIN


def test_last_admin_cannot_be_demoted(client, session, admin):
    page = f"/admin/users/{admin.id}"

    response = post_form(client, f"{page}/role", {"role": "editor"}, page)

    assert response.status_code == 400
    assert (
        '<p class="error" id="role-error">This is the last admin account; make another admin first.'
        in response.get_data(as_text=True)
    )
    assert admin.role == Role.ADMIN


def test_unknown_role_is_refused(client, session, admin):
    editor = make_user()
    page = f"/admin/users/{editor.id}"

    response = post_form(client, f"{page}/role", {"role": "owner"}, page)

    assert response.status_code == 400
    assert editor.role == Role.EDITOR


def test_deactivated_organiser_is_signed_out_and_cannot_sign_in(app, client, session, admin):
    editor = make_user()
    editors_browser = app.test_client()
    sign_in(editors_browser, editor)
    assert editors_browser.get("/admin/").status_code == 200
    page = f"/admin/users/{editor.id}"

    response = post_form(client, f"{page}/deactivate", {}, page)

    assert response.status_code == 303
    assert not editor.active
    signed_out = editors_browser.get("/admin/")
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/admin/login")
    again = post_form(
        editors_browser, "/admin/login", {"email": editor.email, "password": PASSWORD}
    )
    assert again.status_code == 400

    post_form(client, f"{page}/reactivate", {}, page)
    assert editor.active
    sign_in(editors_browser, editor)


def test_admin_cannot_deactivate_themselves(client, session, admin):
    make_user(role=Role.ADMIN)  # not the last admin, so only the self-check can refuse
    page = f"/admin/users/{admin.id}"

    response = post_form(client, f"{page}/deactivate", {}, page)

    assert response.status_code == 400
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert admin.active
    assert client.get("/admin/").status_code == 200


def test_password_reset_signs_the_organiser_out_and_gives_a_one_time_password(
    app, client, session, admin
):
    editor = make_user()
    editors_browser = app.test_client()
    sign_in(editors_browser, editor)
    page = f"/admin/users/{editor.id}"

    response = post_form(client, f"{page}/password", {}, page)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = one_time_password(response)
    assert verify_password(editor.password_hash, password)
    assert not verify_password(editor.password_hash, PASSWORD)
    assert editor.must_change_password
    assert editors_browser.get("/admin/").status_code == 302


def test_admin_resets_their_own_password_only_on_the_password_page(client, session, admin):
    page = f"/admin/users/{admin.id}"

    response = post_form(client, f"{page}/password", {}, page)

    assert response.status_code == 400
    assert "Change your own password on the Password page" in response.get_data(as_text=True)
    assert verify_password(admin.password_hash, PASSWORD)


def test_unknown_organiser_is_not_found(client, session, admin):
    assert client.get("/admin/users/999999").status_code == 404
    assert post_form(client, "/admin/users/999999/deactivate", {}, "/admin/").status_code == 404
