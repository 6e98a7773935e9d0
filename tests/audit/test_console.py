"""The audit trail in the console, /admin/audit: for admins, newest first, filtered, paged,
the chain's state on top, and the CSV of what the filter shows."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from campaign.accounts.models import Role
from campaign.audit import trail
from campaign.audit.models import AuditEntry
from tests.audit.entries import last_entry
from tests.factories.accounts import make_user

AUDIT = "/admin/audit"


def at(moment: datetime, monkeypatch) -> None:
    """Entries recorded from now on are dated `moment`."""
    monkeypatch.setattr(trail, "utcnow", lambda: moment)


@pytest.fixture
def ada(session):
    return make_user(email="ada@example.org", role=Role.ADMIN)


@pytest.fixture
def three(ada, session, monkeypatch):
    """Three entries over three days: two by Ada, one by Ben."""
    ben = make_user(email="ben@example.org")
    at(datetime(2026, 3, 1, 9, tzinfo=UTC), monkeypatch)
    first = trail.record(
        "export signatures", object_kind="petition", object_id=7, rows=120, actor=ada
    )
    at(datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC), monkeypatch)
    second = trail.record(
        "invalidate signature", object_kind="signature", object_id=9, rows=1, actor=ben
    )
    at(datetime(2026, 3, 3, 0, 0, tzinfo=UTC), monkeypatch)
    third = trail.record("publish explainer", object_kind="explainer", object_id=3, actor=ada)
    monkeypatch.undo()
    return first, second, third, ben


def shown_ids(html: str, *made: AuditEntry) -> list[int]:
    """The entries the page lists, in its order; only those of `made` when given (signing in
    makes entries of its own)."""
    ids = [int(found) for found in re.findall(r'<tr id="entry-(\d+)">', html)]
    mine = {entry.id for entry in made}
    return [each for each in ids if each in mine] if made else ids


def page(client, query: str = "") -> str:
    response = client.get(f"{AUDIT}{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_trail_is_for_signed_in_admins(client, auth, session):
    for path in (AUDIT, f"{AUDIT}/export.csv"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302
        assert anonymous.headers["Location"].startswith("/admin/login?next=")
    auth.sign_in(role=Role.EDITOR)
    for path in (AUDIT, f"{AUDIT}/export.csv"):
        assert client.get(path).status_code == 403


def test_the_pages_take_no_post_so_there_is_nothing_to_forge(client, admin):
    for path in (AUDIT, f"{AUDIT}/export.csv"):
        assert client.post(path, data={}).status_code == 405


def test_the_navigation_offers_the_trail_to_admins_only(client, auth, session):
    link = f'<a href="{AUDIT}">Audit trail</a>'
    editor = make_user(role=Role.EDITOR)
    auth.sign_in(editor)
    assert link not in client.get("/admin/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(role=Role.ADMIN)
    assert link in client.get("/admin/").get_data(as_text=True)


def test_entries_show_newest_first_with_who_what_which_and_how_many(client, auth, three):
    first, second, third, _ben = three
    auth.sign_in(make_user(role=Role.ADMIN))

    html = page(client)

    assert shown_ids(html, *three[:3]) == [third.id, second.id, first.id]
    row = html[html.index(f'id="entry-{first.id}"') :].split("</tr>")[0]
    assert "<bdi>ada@example.org</bdi>" in row
    assert '<td lang="en" dir="ltr">export signatures</td>' in row
    assert '<td lang="en" dir="ltr">petition 7</td>' in row
    assert "<td>120</td>" in row
    assert 'datetime="2026-03-01T09:00:00+00:00">1 Mar 2026, 09:00:00<' in row


def test_the_chain_is_shown_intact_with_its_newest_seal(client, auth, three, session):
    auth.sign_in(make_user(role=Role.ADMIN))
    count = session.query(AuditEntry).count()
    newest = session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()

    html = page(client)

    assert f"The chain is intact: {count} entries, each sealed with the one before." in html
    assert f"The newest entry is {newest.id}, sealed {newest.seal[:16]}" in html
    assert "Seal broken" not in html


def test_an_entry_edited_in_the_database_shows_the_chain_broken_there(client, auth, three, session):
    first, second, _third, _ben = three
    session.execute(text("UPDATE audit_entries SET rows = 12 WHERE id = :id"), {"id": first.id})
    session.commit()
    auth.sign_in(make_user(role=Role.ADMIN))

    html = page(client)

    assert f"The chain is broken at entry {first.id}." in html
    assert "The chain is intact" not in html
    broken = html[html.index(f'id="entry-{first.id}"') :].split("</tr>")[0]
    assert "Seal broken" in broken
    fine = html[html.index(f'id="entry-{second.id}"') :].split("</tr>")[0]
    assert "Seal broken" not in fine


def test_filters_by_organiser_action_and_days(client, auth, three):
    first, second, third, ben = three
    auth.sign_in(make_user(role=Role.ADMIN))

    by_ada = page(client, f"?organiser={first.actor_id}")
    by_ben = page(client, f"?organiser={ben.id}")
    by_action = page(client, "?action=invalidate+signature")
    one_day = page(client, "?since=2026-03-02&until=2026-03-02")
    from_the_third = page(client, "?since=2026-03-03")
    to_the_second = page(client, "?until=2026-03-02")

    assert shown_ids(by_ada) == [third.id, first.id]
    assert shown_ids(by_ben) == [second.id]
    assert shown_ids(by_action) == [second.id]
    assert shown_ids(one_day) == [second.id]  # 23:59:59 belongs to its day
    assert shown_ids(from_the_third, first, second, third) == [third.id]  # and after: signing in
    assert shown_ids(to_the_second) == [second.id, first.id]
    assert '<option selected value="invalidate signature">' in by_action
    assert f'href="{AUDIT}">Show all</a>' in by_action


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?since=2026-02-30", "since", "Not a valid date value."),
        ("?until=yesterday", "until", "Not a valid date value."),
        ("?since=99999-01-01", "since", "Not a valid date value."),
        (
            "?since=2026-03-03&until=2026-03-01",
            "until",
            "This day is before the first day: choose a later one.",
        ),
        ("?organiser=999999", "organiser", "Not a valid choice."),
        ("?action=nothing+like+it", "action", "Not a valid choice."),
    ],
)
def test_a_bad_filter_is_refused_beside_its_field(client, auth, three, query, field, message):
    auth.sign_in(make_user(role=Role.ADMIN))

    for path in (AUDIT, f"{AUDIT}/export.csv"):
        response = client.get(f"{path}{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert f'<p class="error" id="{field}-error">{message}</p>' in html
        assert shown_ids(html) == []  # nothing that looks filtered but is not
        assert "Correct the filter to see the entries." in html


def test_entries_come_fifty_a_page_and_the_filter_stays_on_the_next(client, auth, ada, session):
    for number in range(51):
        trail.record("export signatures", object_kind="petition", object_id=number, actor=ada)
    auth.sign_in(make_user(role=Role.ADMIN))

    first = page(client, "?action=export+signatures")
    second = page(client, "?action=export+signatures&page=2")

    assert len(shown_ids(first)) == 50
    assert "Entries 1–50 of 51, newest first" in first  # noqa: RUF001 (an en dash)
    assert f'href="{AUDIT}?page=2&amp;action=export+signatures" rel="next"' in first
    assert len(shown_ids(second)) == 1


def test_the_csv_holds_the_filtered_entries_oldest_first_and_is_itself_recorded(
    client, auth, three, session
):
    first, _second, third, _ben = three
    admin = auth.sign_in(make_user(role=Role.ADMIN))

    response = client.get(f"{AUDIT}/export.csv?organiser={first.actor_id}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    assert response.headers["Cache-Control"] == "no-store"
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header == [
        "entry", "at", "organiser_id", "organiser", "action", "object_kind", "object_id",
        "rows", "detail", "seal",
    ]  # fmt: skip
    assert [row[0] for row in rows] == [str(first.id), str(third.id)]
    assert rows[0][1:9] == [
        "2026-03-01T09:00:00+00:00", str(first.actor_id), "ada@example.org",
        "export signatures", "petition", "7", "120", "",
    ]  # fmt: skip
    assert rows[0][9] == first.seal
    exported = last_entry()
    assert (exported.action, exported.rows, exported.actor_id) == (
        "export audit trail",
        2,
        admin.id,
    )
    assert exported.detail == f"organiser={first.actor_id}"


def test_the_csv_neutralises_cells_a_spreadsheet_would_run(client, auth, ada, session):
    trail.record("export signatures", detail='=HYPERLINK("https://evil.example")', actor=ada)
    auth.sign_in(make_user(role=Role.ADMIN))

    body = client.get(f"{AUDIT}/export.csv").get_data(as_text=True)

    rows = csv.DictReader(io.StringIO(body))
    [row] = [row for row in rows if row["action"] == "export signatures"]
    assert row["detail"] == '\'=HYPERLINK("https://evil.example")'
