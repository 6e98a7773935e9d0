"""What organisers do to an update's sending: schedule, pause, resume, cancel, settle uncertain."""

from datetime import timedelta

import pytest

from campaign.db import utcnow
from campaign.mailer.transports.outbox import FileTransport
from campaign.updates import control
from campaign.updates.models import DeliveryStatus, UpdateStatus
from campaign.updates.sending import (
    SendReport,
    claim_batch,
    finish_if_done,
    mark_abandoned_uncertain,
    run,
    send_batch,
    start,
)
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import deliveries, emails_in, make_update, statuses


@pytest.fixture
def five_subscribers(session):
    return [make_subscriber(email=f"reader-{n}@example.org") for n in range(5)]


def test_scheduling_needs_a_time_in_the_future(session):
    update = make_update()

    with pytest.raises(control.ControlError, match="already passed"):
        control.schedule(update, utcnow() - timedelta(minutes=1))
    assert update.status == UpdateStatus.DRAFT and update.scheduled_at is None

    later = utcnow() + timedelta(hours=2)
    control.schedule(update, later)
    assert update.status == UpdateStatus.SCHEDULED
    assert update.scheduled_at == later


def test_unscheduling_makes_a_draft_again_and_only_from_scheduled(session):
    update = make_update(status=UpdateStatus.SCHEDULED, scheduled_at=utcnow() + timedelta(days=1))

    control.unschedule(update)

    assert update.status == UpdateStatus.DRAFT and update.scheduled_at is None
    with pytest.raises(control.ControlError, match="draft"):
        control.unschedule(update)


def test_a_sending_update_cannot_be_scheduled_or_sent_again(session, five_subscribers):
    update = make_update()
    session.commit()
    control.send_now(update)

    with pytest.raises(control.ControlError):
        control.schedule(update, utcnow() + timedelta(hours=1))
    with pytest.raises(control.ControlError, match="cannot be sent again"):
        control.send_now(update)
    assert update.status == UpdateStatus.SENDING
    assert statuses(update) == {"queued": 5}


def test_a_paused_update_sends_nothing_until_resumed(
    app_settings, session, five_subscribers, tmp_path
):
    update = make_update()
    session.commit()
    app_settings(MAIL_BATCH_SIZE=2)
    start(update)

    control.pause(update)
    session.commit()
    report = run(update.id, transport=FileTransport(tmp_path))

    assert report.stopped_because == "paused"
    assert statuses(update) == {"queued": 5}
    with pytest.raises(control.ControlError, match="paused"):
        control.pause(update)

    control.resume(update)
    session.commit()
    run(update.id, transport=FileTransport(tmp_path))

    assert statuses(update) == {"sent": 5}
    assert update.status == UpdateStatus.SENT
    assert len(emails_in(tmp_path)) == 5


def test_only_a_paused_update_resumes(session):
    update = make_update()

    with pytest.raises(control.ControlError, match="draft"):
        control.resume(update)
    assert update.status == UpdateStatus.DRAFT


def test_cancelling_skips_who_is_still_queued_and_leaves_the_batch_in_flight(
    session, five_subscribers, tmp_path
):
    update = make_update()
    session.commit()
    start(update)
    claim_batch(update.id, 2, utcnow())  # a sender is sending these two now

    skipped = control.cancel(update)
    session.commit()

    assert skipped == 3
    assert update.status == UpdateStatus.CANCELLED and update.finished_at is not None
    assert statuses(update) == {"sending": 2, "skipped": 3}
    assert {row.error for row in deliveries(update) if row.status == "skipped"} == {
        "Cancelled by an organiser"
    }
    assert run(update.id, transport=FileTransport(tmp_path)).stopped_because == "cancelled"
    assert emails_in(tmp_path) == []


def test_a_finished_update_cannot_be_paused_or_cancelled(session, tmp_path):
    make_subscriber(email="done@example.org")
    update = make_update()
    session.commit()
    start(update)
    run(update.id, transport=FileTransport(tmp_path))

    for action in (control.pause, control.cancel):
        with pytest.raises(control.ControlError, match="sent"):
            action(update)
    assert update.status == UpdateStatus.SENT


def _leave_uncertain(app_settings, update, count: int) -> None:
    """A sender claimed `count` rows and died; the lease ran out and a run found them."""
    app_settings(UPDATE_BATCH_LEASE_SECONDS=0)
    start(update)
    claim_batch(update.id, count, utcnow() - timedelta(seconds=1))


def test_resending_uncertain_rows_sends_them_once_more(
    app_settings, session, five_subscribers, tmp_path
):
    update = make_update()
    session.commit()
    _leave_uncertain(app_settings, update, 2)
    run(update.id, transport=FileTransport(tmp_path))
    assert statuses(update) == {"sent": 3, "uncertain": 2}
    assert update.status == UpdateStatus.SENT

    assert control.resend_uncertain(update) == 2
    session.commit()

    assert update.status == UpdateStatus.SENDING and update.finished_at is None
    assert statuses(update) == {"sent": 3, "queued": 2}
    run(update.id, transport=FileTransport(tmp_path))
    assert statuses(update) == {"sent": 5}
    assert update.status == UpdateStatus.SENT and update.finished_at is not None
    assert len(emails_in(tmp_path)) == 5


def test_dropping_uncertain_rows_skips_them_for_good(
    app_settings, session, five_subscribers, tmp_path
):
    update = make_update()
    session.commit()
    _leave_uncertain(app_settings, update, 2)
    run(update.id, transport=FileTransport(tmp_path))

    assert control.drop_uncertain(update) == 2
    session.commit()

    assert statuses(update) == {"sent": 3, "skipped": 2}
    assert {row.error for row in deliveries(update) if row.status == "skipped"} == {
        "Dropped by an organiser"
    }
    assert update.status == UpdateStatus.SENT
    assert control.resend_uncertain(update) == 0


def test_uncertain_rows_of_a_cancelled_update_cannot_be_resent(
    app_settings, session, five_subscribers
):
    update = make_update()
    session.commit()
    _leave_uncertain(app_settings, update, 2)
    mark_abandoned_uncertain(update.id, utcnow())
    control.cancel(update)

    with pytest.raises(control.ControlError, match="cancelled"):
        control.resend_uncertain(update)
    assert statuses(update) == {"uncertain": 2, "skipped": 3}
    assert control.drop_uncertain(update) == 2
    assert DeliveryStatus.UNCERTAIN not in statuses(update)


def test_an_update_cancelled_as_its_last_batch_lands_is_not_published(session, tmp_path):
    make_subscriber(email="last@example.org")
    update = make_update(publish_on_site=True)
    session.commit()
    start(update)
    token, _count = claim_batch(update.id, 10, utcnow())
    send_batch(update, token, FileTransport(tmp_path), SendReport())  # the last batch lands
    control.cancel(update)  # the organiser clicks cancel at that moment
    session.commit()

    finish_if_done(update, utcnow())  # what run() does next, having seen "sending" before

    assert update.status == UpdateStatus.CANCELLED
    assert update.published_at is None


def test_resending_while_the_slow_sender_still_lands_its_batch_sends_no_one_twice(
    app_settings, session, five_subscribers, tmp_path
):
    update = make_update()
    session.commit()
    app_settings(MAIL_BATCH_SIZE=2, UPDATE_BATCH_LEASE_SECONDS=60)
    start(update)
    files = FileTransport(tmp_path)

    class SlowTransport:
        """The first batch takes longer than the lease; the organiser resends it meanwhile."""

        def __init__(self):
            self.sent_to: list[str] = []

        def send_bulk(self, message):
            if not self.sent_to:
                mark_abandoned_uncertain(update.id, utcnow() + timedelta(seconds=61))
                assert control.resend_uncertain(update) == 2
                session.commit()
            self.sent_to += [recipient.to for recipient in message.recipients]
            return files.send_bulk(message)

    transport = SlowTransport()
    run(update.id, transport=transport)
    run(update.id, transport=transport)

    assert statuses(update) == {"sent": 5}
    assert sorted(transport.sent_to) == [f"reader-{n}@example.org" for n in range(5)]
