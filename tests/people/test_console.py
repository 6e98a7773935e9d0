"""The console's People page: admins, and the editors an admin allowed, look one address up,
export it and erase it, each proving it is them again when their last check is old, each in
the audit trail by counts alone."""

import json

import pytest
from sqlalchemy import select

from campaign.accounts.models import Role, User
from campaign.accounts.service import allow_people
from campaign.audit.models import AuditEntry
from campaign.people.erased import is_erased
from tests.factories.accounts import make_user
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.helpers import csrf_token
from tests.helpers import last_checked_an_hour_ago as an_hour_ago
from tests.people.held import EMAIL, NAME

PAGE = "/admin/people/"
POSTS = [PAGE, "/admin/people/export", "/admin/people/erase"]


@pytest.fixture
def someone(session):
    make_subscriber(email=EMAIL, name=NAME)
    make_signature(make_petition(), email=EMAIL, name=NAME, postcode="E1 6AN", comment="Yes.")
    session.commit()


@pytest.fixture
def allowed_editor(auth):
    return auth.sign_in(allowed_editor_account())


def allowed_editor_account() -> User:
    """An editor an admin allowed to use the People page."""
    editor = make_user()
    allow_people(editor, True)
    return editor


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, PAGE)} | data)


def no_address_in_the_trail(session) -> bool:
    for entry in session.scalars(select(AuditEntry)):
        if any(EMAIL in str(value) or NAME in str(value) for value in vars(entry).values()):
            return False
    return True


# --- who may ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    token = csrf_token(client, "/admin/login")

    answers = [client.get(PAGE)] + [client.post(url, data={"csrf_token": token}) for url in POSTS]

    assert {answer.status_code for answer in answers} == {302}
    assert all("/admin/login" in answer.headers["Location"] for answer in answers)


def test_an_editor_nobody_allowed_gets_a_403_and_no_menu_entry(client, session, someone, auth):
    auth.sign_in()  # an editor
    token = csrf_token(client, "/admin/")

    answers = [client.get(PAGE)]
    answers += [client.post(url, data={"csrf_token": token, "email": EMAIL}) for url in POSTS]

    assert {answer.status_code for answer in answers} == {403}
    assert 'href="/admin/people/"' not in client.get("/admin/").get_data(as_text=True)
    assert not is_erased(EMAIL)


@pytest.mark.parametrize("role", ["admin", "allowed editor"])
def test_admins_and_allowed_editors_look_an_address_up(client, session, someone, auth, role):
    auth.sign_in(make_user(role=Role.ADMIN) if role == "admin" else allowed_editor_account())

    page = post(client, PAGE, email=f"  {EMAIL.upper()} ")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for shown in (NAME, "E1 6AN", "Yes.", "Export JSON", "Erase everything held"):
        assert shown in html, shown
    assert 'href="/admin/people/"' in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("url", POSTS)
def test_each_post_refuses_a_missing_csrf_token(client, session, someone, allowed_editor, url):
    answer = client.post(url, data={"email": EMAIL, "confirm": "y"})

    assert answer.status_code == 400
    assert not is_erased(EMAIL)
    assert session.query(AuditEntry).filter(AuditEntry.action != "sign-in").count() == 0


@pytest.mark.parametrize("url", POSTS)
def test_each_post_asks_for_a_fresh_check_after_the_window(
    client, session, someone, allowed_editor, url
):
    token = csrf_token(client, PAGE)
    an_hour_ago(client)

    answer = client.post(
        url,
        data={"csrf_token": token, "email": EMAIL, "confirm": "y"},
        headers={"Referer": "http://localhost/admin/people/"},
    )

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/check?next=")
    assert not is_erased(EMAIL)


# --- what it does -------------------------------------------------------------------------


def test_looking_up_is_audited_by_count_alone(client, session, someone, allowed_editor):
    post(client, PAGE, email=EMAIL)

    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "look up person"))
    assert (entry.actor_id, entry.rows) == (allowed_editor.id, 2)
    assert no_address_in_the_trail(session)


def test_an_unknown_address_says_nothing_is_held(client, session, allowed_editor):
    page = post(client, PAGE, email="stranger@example.org")

    assert page.status_code == 200
    assert "Nothing is held about this address." in page.get_data(as_text=True)


def test_a_bad_address_is_refused_beside_the_field(client, session, allowed_editor):
    for url in POSTS:
        page = post(client, url, email="not an address", confirm="y")
        assert page.status_code == 400, url
        assert "Enter a valid email address" in page.get_data(as_text=True), url
    assert session.query(AuditEntry).filter(AuditEntry.action != "sign-in").count() == 0


def test_the_export_is_a_json_file_named_without_the_address(
    client, session, someone, allowed_editor
):
    answer = post(client, "/admin/people/export", email=EMAIL)

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="person-') and EMAIL not in disposition
    data = json.loads(answer.get_data(as_text=True))
    assert data["subscriber"]["name"] == NAME and len(data["signatures"]) == 1
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "export person"))
    assert entry.rows == 2
    assert no_address_in_the_trail(session)


def test_erasing_needs_the_tick_then_erases_and_is_audited_with_its_counts(
    client, session, someone, allowed_editor
):
    unticked = post(client, "/admin/people/erase", email=EMAIL)
    assert unticked.status_code == 400
    assert "Tick the box to confirm the erasure." in unticked.get_data(as_text=True)
    assert not is_erased(EMAIL)

    done = post(client, "/admin/people/erase", email=EMAIL, confirm="y")

    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Erased: 2 records" in html and NAME not in html
    assert is_erased(EMAIL)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "erase person"))
    assert (entry.actor_id, entry.rows) == (allowed_editor.id, 2)
    assert entry.detail == "subscribers 1 deleted; signatures 1 anonymised"
    assert no_address_in_the_trail(session)


def test_erasing_an_address_nothing_names_erases_nothing(client, session, allowed_editor):
    answer = post(client, "/admin/people/erase", email="stranger@example.org", confirm="y")

    assert answer.status_code == 303
    assert not is_erased("stranger@example.org")
    assert session.query(AuditEntry).filter(AuditEntry.action != "sign-in").count() == 0


# --- who is allowed: set from the organisers console ---------------------------------------


def people_access(client, user: User, **data):
    url = f"/admin/users/{user.id}"
    return client.post(f"{url}/people", data={"csrf_token": csrf_token(client, url)} | data)


def test_an_admin_allows_an_editor_and_takes_it_back(client, session, admin):
    editor = make_user()

    allowed = people_access(client, editor, allowed="y")
    assert allowed.status_code == 303
    session.refresh(editor)
    assert editor.may_manage_people
    stopped = people_access(client, editor)
    session.refresh(editor)

    assert stopped.status_code == 303
    assert not editor.may_manage_people
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "change people access")
    ).all()
    assert [(e.object_kind, e.object_id, e.detail) for e in entries] == [
        ("user", editor.id, "allowed"),
        ("user", editor.id, "not allowed"),
    ]


def test_the_organiser_page_offers_the_choice_for_editors_only(client, session, admin):
    editor = make_user()

    editor_page = client.get(f"/admin/users/{editor.id}").get_data(as_text=True)
    admin_page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)

    assert f'action="/admin/users/{editor.id}/people"' in editor_page
    assert "/people" not in admin_page.split("people-heading")[1].split("</section>")[0]


def test_only_admins_may_allow_and_only_with_a_csrf_token(client, session, auth):
    editor = make_user()
    auth.sign_in(allowed_editor_account())  # allowed, but not an admin

    assert client.post(f"/admin/users/{editor.id}/people", data={"allowed": "y"}).status_code == 400
    token = csrf_token(client, "/admin/")
    answer = client.post(
        f"/admin/users/{editor.id}/people", data={"csrf_token": token, "allowed": "y"}
    )
    session.refresh(editor)

    assert answer.status_code == 403
    assert not editor.may_manage_people


def test_allowing_asks_an_admin_for_a_fresh_check_after_the_window(client, session, admin):
    editor = make_user()
    token = csrf_token(client, f"/admin/users/{editor.id}")
    an_hour_ago(client)

    answer = client.post(
        f"/admin/users/{editor.id}/people", data={"csrf_token": token, "allowed": "y"}
    )
    session.refresh(editor)

    assert answer.headers["Location"].startswith("/admin/check?next=")
    assert not editor.may_manage_people
