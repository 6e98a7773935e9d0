"""The audit trail: sealed entry by entry, append-only, and `flask audit verify` finds a
changed, removed or inserted entry."""

import pytest
from sqlalchemy import delete, text, update

from campaign.audit.models import AppendOnly, AuditEntry
from campaign.audit.trail import GENESIS, record, seal, verify
from campaign.extensions import db
from tests.factories.accounts import make_user


@pytest.fixture
def three(app, session):
    organiser = make_user(email="ada@example.org")
    entries = [
        record("sign-in", actor=organiser),
        record("export signatures", object_kind="petition", object_id=7, rows=120, actor=organiser),
        record("publish", object_kind="explainer", object_id=3, actor=organiser),
    ]
    return entries


def test_each_entry_is_sealed_with_the_one_before(three):
    first, second, third = three

    assert first.seal == seal(first, GENESIS)
    assert second.seal == seal(second, first.seal)
    assert third.seal == seal(third, second.seal)
    assert (second.actor, second.rows, second.object_id) == ("ada@example.org", 120, 7)
    assert verify() == (3, [])


def test_an_edited_entry_breaks_the_chain_where_it_was_edited(three, session):
    # As someone with the database but not the key would: bypassing the application.
    session.execute(update(AuditEntry).where(AuditEntry.id == three[1].id).values(rows=12))
    session.expire_all()

    count, breaks = verify()

    assert count == 3
    assert [found.entry_id for found in breaks] == [three[1].id]


def test_a_removed_entry_breaks_the_chain_at_the_next(three, session):
    session.execute(delete(AuditEntry).where(AuditEntry.id == three[1].id))
    session.expire_all()

    count, breaks = verify()

    assert count == 2
    assert [found.entry_id for found in breaks] == [three[2].id]


def test_an_entry_forged_without_the_key_is_found(three, session):
    session.execute(
        text(
            "INSERT INTO audit_entries (at, actor, action, object_kind, detail, seal)"
            " VALUES (:at, '', 'nothing happened', '', '', :seal)"
        ),
        {"at": three[2].at, "seal": "f" * 64},
    )

    assert [found.reason for found in verify()[1]] == [
        "changed, or an entry before it was removed or added"
    ]


def test_the_application_can_neither_change_nor_remove_an_entry(three, session):
    three[0].rows = 5
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()

    entry = session.get(AuditEntry, three[0].id) or record("x")
    session.delete(entry)
    with pytest.raises(AppendOnly):
        session.flush()


def test_an_entry_commits_with_the_action_or_not_at_all(app, session):
    record("erase", object_kind="subscriber", object_id=1, rows=1)
    session.rollback()

    assert db.session.query(AuditEntry).count() == 0


def test_verify_says_intact_or_names_the_broken_entries_and_exits_1(app, three, session):
    session.commit()
    runner = app.test_cli_runner()

    intact = runner.invoke(args=["audit", "verify"])
    session.execute(update(AuditEntry).where(AuditEntry.id == three[0].id).values(detail="x"))
    session.commit()
    broken = runner.invoke(args=["audit", "verify"])

    assert (intact.exit_code, intact.output) == (0, "The audit trail is intact: 3 entries.\n")
    assert broken.exit_code == 1
    assert f"Entry {three[0].id}: changed" in broken.output
    assert "broken: 1 of 3 entries" in broken.output
