"""An email's words (bodies, headers, its .eml file) go MAIL_BODY_DAYS after it was queued; the
row stays as the record that it went, and the console says which is which."""

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.audit.models import AuditEntry
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression
from campaign.mailer.retention import purge_mail_bodies, purge_old_mail_files
from campaign.mailer.transports.outbox import eml_name
from tests.concurrency import NEEDS_POSTGRES, run_threads
from tests.conftest import ON_POSTGRES, committed_to
from tests.factories.mail import make_outbound_email
from tests.helpers import post_form

DAY = timedelta(days=1)
UNSUBSCRIBE_URL = "http://campaign.test/unsubscribe/a-token"


def old_email(days: float, to: str = "reader@example.org", **fields) -> OutboundEmail:
    """A message queued `days` days ago, sent unless told otherwise."""
    values = {"status": MessageStatus.SENT, "created_at": utcnow() - timedelta(days=days)}
    return make_outbound_email(to, unsubscribe_url=UNSUBSCRIBE_URL, **(values | fields))


def eml_file(app, message: OutboundEmail) -> Path:
    """The .eml file the file transport wrote for `message` (written here)."""
    path = Path(app.config["MAIL_FILE_DIR"]) / eml_name({"outbound_id": str(message.id)})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"To: {message.to_address}\n\n{message.text_body}")
    return path


def purge_entries() -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "purge mail bodies")
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


@pytest.fixture
def committed(app) -> Iterator:
    with committed_to(app, AuditEntry, OutboundEmail, Suppression) as session:
        yield session


def test_the_words_of_mail_older_than_mail_body_days_go_through_a_real_commit(app, committed):
    old = old_email(31, "gone@example.org")
    path = eml_file(app, old)
    recent = old_email(29, "kept@example.org")
    still_to_go = old_email(31, status=MessageStatus.QUEUED)
    ids = (old.id, recent.id, still_to_go.id)
    db.session.commit()

    assert purge_mail_bodies() == 1

    committed.remove()  # a new session: only what was committed
    old, recent, still_to_go = (db.session.get(OutboundEmail, each) for each in ids)
    assert (old.text_body, old.html_body, old.headers) == ("", "", {})
    assert old.body_purged_at is not None
    # The record that it went stays.
    assert (old.to_address, old.status, old.subject) == (
        "gone@example.org",
        MessageStatus.SENT,
        recent.subject,
    )
    assert not path.exists()
    assert recent.text_body and recent.headers and recent.body_purged_at is None
    assert still_to_go.text_body and still_to_go.body_purged_at is None
    [entry] = purge_entries()
    assert (entry.actor_id, entry.rows, entry.detail) == (None, 1, "MAIL_BODY_DAYS=30")


def test_purging_again_changes_nothing_and_records_nothing(app, committed):
    old_email(31)
    db.session.commit()
    purge_mail_bodies()

    assert purge_mail_bodies() == 0

    committed.remove()
    assert len(purge_entries()) == 1


def test_mail_is_purged_an_hour_at_a_time_under_one_entry(session):
    barely = old_email(30 + 10 / (24 * 60))  # ten minutes past its time
    assert purge_mail_bodies() == 0  # nothing an hour overdue yet: wait for more to go with it

    overdue = old_email(30 + 2 / 24)

    assert purge_mail_bodies() == 2
    assert barely.body_purged_at is not None and overdue.body_purged_at is not None
    assert [entry.rows for entry in purge_entries()] == [2]


def test_mail_body_days_is_the_setting(session, app_settings):
    app_settings(MAIL_BODY_DAYS=7)
    week_old = old_email(8)
    old_email(6)

    assert purge_mail_bodies() == 1
    assert week_old.text_body == ""
    assert purge_entries()[0].detail == "MAIL_BODY_DAYS=7"


def test_other_eml_files_go_by_their_age(app, session):
    directory = Path(app.config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    update_mail = directory / "delivery_id424242.eml"
    test_send = directory / "update_test9-20270101.eml"
    fresh = directory / "delivery_id434343.eml"
    unrelated = directory / "notes.txt"
    for path in (update_mail, test_send, fresh, unrelated):
        path.write_text("To: reader@example.org\n\nHello")
    month_ago = (utcnow() - 31 * DAY).timestamp()
    for path in (update_mail, test_send, unrelated):
        os.utime(path, (month_ago, month_ago))

    try:
        assert purge_old_mail_files() == 2

        assert not update_mail.exists() and not test_send.exists()
        assert fresh.exists() and unrelated.exists()
        [entry] = purge_entries()
        assert (entry.rows, entry.detail) == (2, ".eml files, MAIL_BODY_DAYS=30")
    finally:
        fresh.unlink(missing_ok=True)
        unrelated.unlink(missing_ok=True)


# --- the console ------------------------------------------------------------------------


def test_the_console_shows_until_when_an_email_keeps_its_words(client, organiser):
    message = old_email(10)

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert "Words kept until" in page
    assert "Plain text" in page


def test_the_console_shows_a_purged_email_as_a_record_without_words_or_retry(client, organiser):
    message = old_email(31, status=MessageStatus.FAILED)
    purge_mail_bodies()

    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)

    assert "Words removed" in page
    assert "after 30 days only this record of it is kept" in page
    assert "Retry now" not in page
    assert UNSUBSCRIBE_URL not in page


def test_a_purged_email_cannot_be_sent_again(client, organiser):
    message = old_email(31, status=MessageStatus.FAILED)
    other = old_email(1, status=MessageStatus.FAILED)
    purge_mail_bodies()

    response = post_form(
        client, f"/admin/mail/{message.id}/retry", {}, form_url=f"/admin/mail/{other.id}"
    )

    assert response.status_code == 303
    assert message.status == MessageStatus.FAILED
    page = client.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "words were removed after MAIL_BODY_DAYS: it cannot be sent again" in page


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason=NEEDS_POSTGRES)
def test_two_purges_at_once_purge_each_message_once(app, committed):
    for _ in range(5):
        old_email(31)
    db.session.commit()
    purged: list[int] = []

    run_threads(app, [lambda: purged.append(purge_mail_bodies())] * 2)

    assert sum(purged) == 5
    committed.remove()
    assert sum(entry.rows for entry in purge_entries()) == 5
