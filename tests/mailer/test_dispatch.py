"""The outbox is sent after commit, retried with backoff, and never lost or sent twice."""

import itertools
import threading
import time
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from campaign import signals
from campaign.db import utcnow
from campaign.extensions import db
from campaign.jobs import run_sweeps
from campaign.mailer.background import InProcessDispatcher
from campaign.mailer.dispatch import dispatch_due, retry_delay
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression, SuppressionReason
from campaign.mailer.transports import PermanentFailure, TemporaryFailure, UnknownOutcome
from campaign.mailer.transports.outbox import FileTransport
from tests.conftest import ON_POSTGRES
from tests.factories.mail import ScriptedTransport, make_outbound_email


def test_queued_mail_is_sent_with_our_id_and_marked_sent(session):
    message = make_outbound_email()
    session.commit()
    transport = ScriptedTransport()

    report = dispatch_due(transport=transport)

    assert report.sent == 1
    assert message.status == MessageStatus.SENT
    assert message.provider_message_id == "id-1"
    assert transport.sent[0].custom_args == {"outbound_id": str(message.id)}
    assert transport.sent[0].to == "reader@example.org"


def test_temporary_failure_retries_later_with_backoff(session):
    message = make_outbound_email()
    session.commit()

    report = dispatch_due(transport=ScriptedTransport(TemporaryFailure("SendGrid answered 429")))

    assert report.retrying == 1
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert "429" in message.last_error
    # Not due yet: a second sweep leaves it alone.
    assert dispatch_due(transport=ScriptedTransport()).sent == 0


def test_a_send_without_an_answer_is_retried_and_recorded_as_possibly_sent_twice(session):
    message = make_outbound_email()
    session.commit()

    dispatch_due(transport=ScriptedTransport(UnknownOutcome("SendGrid did not answer in time")))

    assert message.status == MessageStatus.QUEUED
    assert message.possible_duplicate == (
        "Possibly sent twice: the transport may have taken it without answering "
        "(SendGrid did not answer in time); tried again."
    )
    message.next_attempt_at = utcnow()
    session.commit()
    dispatch_due(transport=ScriptedTransport())

    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert message.possible_duplicate.startswith("Possibly sent twice")


def test_backoff_doubles_and_is_capped():
    assert timedelta(seconds=27) <= retry_delay(1) <= timedelta(seconds=33)
    assert timedelta(seconds=54) <= retry_delay(2) <= timedelta(seconds=66)
    assert retry_delay(30) <= timedelta(hours=2, minutes=12)


def test_permanent_failure_is_marked_failed_with_its_reason(session):
    message = make_outbound_email()
    session.commit()

    dispatch_due(transport=ScriptedTransport(PermanentFailure("SendGrid answered 400: bad")))

    assert message.status == MessageStatus.FAILED
    assert message.last_error == "SendGrid answered 400: bad"


def test_retries_run_out_after_the_configured_attempts(app, session):
    message = make_outbound_email()
    session.commit()
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        message.next_attempt_at = utcnow()
        session.commit()
        dispatch_due(transport=ScriptedTransport(TemporaryFailure("timed out")))

    assert message.status == MessageStatus.FAILED
    assert message.attempts == app.config["MAIL_MAX_ATTEMPTS"]


def test_an_unexpected_transport_error_does_not_lose_the_message(session):
    message = make_outbound_email()
    session.commit()

    dispatch_due(transport=ScriptedTransport(ValueError("a bug")))

    assert message.status == MessageStatus.QUEUED
    assert message.last_error == "a bug"


def test_a_bounced_address_gets_nothing(session):
    session.add(Suppression(email="gone@example.org", reason=SuppressionReason.BOUNCE))
    message = make_outbound_email("gone@example.org")
    session.commit()
    transport = ScriptedTransport()

    dispatch_due(transport=transport)

    assert message.status == MessageStatus.SUPPRESSED
    assert transport.sent == []


def test_in_one_batch_only_the_suppressed_addresses_are_skipped(session):
    session.add(Suppression(email="gone@example.org", reason=SuppressionReason.BOUNCE))
    session.add(Suppression(email="left@example.org", reason=SuppressionReason.UNSUBSCRIBE))
    messages = {
        to: make_outbound_email(to) for to in ("a@example.org", "gone@example.org", "b@example.org")
    }
    left = make_outbound_email("left@example.org")  # an unsubscribe stops updates, not this email
    session.commit()
    transport = ScriptedTransport()

    dispatch_due(transport=transport)

    assert sorted(envelope.to for envelope in transport.sent) == [
        "a@example.org",
        "b@example.org",
        "left@example.org",
    ]
    assert messages["gone@example.org"].status == MessageStatus.SUPPRESSED
    assert messages["a@example.org"].status == MessageStatus.SENT
    assert left.status == MessageStatus.SENT


def test_rolled_back_action_leaves_no_mail(session):
    with pytest.raises(RuntimeError), session.begin_nested():
        make_outbound_email()
        raise RuntimeError("the action failed")

    assert session.scalars(select(OutboundEmail)).all() == []


# Below, data is really committed: these tests use separate connections and threads.


def test_mail_committed_while_no_dispatcher_runs_is_sent_when_one_starts(
    app, committed_outbox, tmp_path
):
    message_id = make_outbound_email().id
    committed_outbox.commit()  # nothing is running: the row waits in the table
    app.config["MAIL_FILE_DIR"], original = str(tmp_path), app.config["MAIL_FILE_DIR"]
    dispatcher = InProcessDispatcher(app)
    try:
        # Started, not woken: a dispatcher sweeps as soon as it starts (after a crash, say).
        dispatcher.ensure_running()
        deadline = utcnow() + timedelta(seconds=10)
        while utcnow() < deadline and not list(tmp_path.glob("*.eml")):
            threading.Event().wait(0.05)
    finally:
        # A thread left sweeping would share the next tests' rolled-back connection.
        dispatcher.stop()
        app.config["MAIL_FILE_DIR"] = original

    files = list(tmp_path.glob("*.eml"))
    assert [file.name for file in files] == [f"outbound_id{message_id}.eml"]
    parsed = message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "reader@example.org"
    committed_outbox.expire_all()
    assert committed_outbox.get(OutboundEmail, message_id).status == MessageStatus.SENT


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_two_dispatchers_at_once_send_each_message_exactly_once(app, committed_outbox, tmp_path):
    for number in range(120):
        make_outbound_email(f"reader{number}@example.org")
    committed_outbox.commit()
    files = FileTransport(tmp_path)
    sent_ids: list[str] = []
    lock = threading.Lock()

    class CountingTransport:
        def send(self, envelope):
            with lock:
                sent_ids.append(envelope.custom_args["outbound_id"])
            threading.Event().wait(0.002)  # let the other dispatcher interleave
            return files.send(envelope)

    transport = CountingTransport()
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                dispatch_due(transport=transport)
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(sent_ids) == len(set(sent_ids)) == 120
    assert len(list(Path(tmp_path).glob("*.eml"))) == 120
    statuses = committed_outbox.scalars(select(OutboundEmail.status)).all()
    assert set(statuses) == {MessageStatus.SENT}


def test_sending_is_paced_to_the_configured_rate(app_settings, session):
    for number in range(5):
        make_outbound_email(f"reader{number}@example.org")
    session.commit()

    app_settings(MAIL_RATE_PER_SECOND=20)
    started = time.monotonic()
    dispatch_due(transport=ScriptedTransport())
    elapsed = time.monotonic() - started

    # Five sends at 20 a second need at least four intervals of 50 ms.
    assert elapsed >= 0.2


@pytest.mark.parametrize("event_name", ["delivered", "deferred", "bounce"])
def test_an_event_applied_while_the_row_is_sending_is_not_overwritten(session, event_name):
    from campaign.mailer.sendgrid.events import apply_events

    message = make_outbound_email()
    session.commit()

    class EventArrivesFirst:
        """SendGrid took the mail and its webhook landed before the dispatcher marked the row."""

        def send(self, envelope):
            apply_events(
                [
                    {
                        "event": event_name,
                        "type": "bounce",
                        "sg_event_id": f"early-{event_name}",
                        "email": envelope.to,
                        "outbound_id": envelope.custom_args["outbound_id"],
                        "response": "421 try later",
                    }
                ]
            )
            db.session.commit()
            return "provider-id"

    report = dispatch_due(transport=EventArrivesFirst())

    session.refresh(message)
    expected = {"delivered": "delivered", "deferred": "deferred", "bounce": "bounced"}
    assert message.status == expected[event_name]
    assert report.sent == 1
    assert message.provider_message_id == "provider-id"
    assert message.sent_at is not None and message.claimed_at is None
    if event_name == "deferred":
        assert "deferred" in message.last_error  # the event's note stays


def test_mail_queued_before_a_savepoint_that_rolled_back_still_wakes_the_dispatcher(
    monkeypatch, session
):
    from campaign.mailer import background

    woken: list[bool] = []
    monkeypatch.setattr(background, "notify_dispatcher", lambda: woken.append(True))
    make_outbound_email()
    with pytest.raises(RuntimeError), session.begin_nested():
        raise RuntimeError("a step after the email failed and was undone (a duplicate row)")

    session.commit()

    assert woken == [True]
    assert session.scalars(select(OutboundEmail)).one().status == MessageStatus.QUEUED


def test_a_rolled_back_transaction_wakes_no_dispatcher(monkeypatch, session):
    from campaign.mailer import background

    woken: list[bool] = []
    monkeypatch.setattr(background, "notify_dispatcher", lambda: woken.append(True))
    make_outbound_email()
    session.rollback()
    session.commit()

    assert woken == []


def test_the_dispatcher_thread_outlives_a_sweep_whose_cleanup_fails_too(app, monkeypatch):
    from campaign.mailer import background

    swept = threading.Semaphore(0)

    def failing_dispatch():
        swept.release()
        raise RuntimeError("the database went away")

    def failing_rollback():
        raise RuntimeError("and the rollback failed as well")

    monkeypatch.setattr(background, "dispatch_due", failing_dispatch)
    monkeypatch.setattr(background, "run_sweeps", lambda: False)
    with app.app_context():
        monkeypatch.setattr(db.session, "rollback", failing_rollback)
        dispatcher = InProcessDispatcher(app)
        dispatcher.notify()
        assert swept.acquire(timeout=5)
        dispatcher.wake.set()  # not notify(): that would start a new thread if this one died

        assert swept.acquire(timeout=5), "the thread died: no sweep until the next request"
        assert dispatcher.thread.is_alive()

        dispatcher.stop()
        assert not dispatcher.thread.is_alive()


def test_a_surge_of_wakes_sends_on_each_but_sweeps_at_most_once_a_second(app, monkeypatch):
    from campaign.mailer import background

    dispatches, sweeps = [], []

    def counted(app: Flask) -> None:
        sweeps.append(time.monotonic())

    monkeypatch.setattr(background, "dispatch_due", lambda: dispatches.append(time.monotonic()))
    dispatcher = InProcessDispatcher(app)
    try:
        with signals.sweep.connected_to(counted, sender=app):
            dispatcher.notify()
            started = time.monotonic()
            while time.monotonic() - started < 1.5:  # a commit that queued mail every 10 ms
                dispatcher.notify()
                time.sleep(0.01)
            time.sleep(1.2)  # nothing wakes it now: the postponed sweep runs all the same
    finally:
        dispatcher.stop()

    assert len(dispatches) > 20
    assert 2 <= len(sweeps) <= 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(sweeps)]
    assert all(gap >= background.SWEEPS_AT_MOST_EVERY * 0.95 for gap in gaps)
    assert sweeps[-1] > started + 1.5  # after the last wake


def test_a_sweep_with_more_to_do_is_run_again_at_once(app, monkeypatch):
    from campaign.mailer import background

    rounds: list[float] = []

    def batches_left(app: Flask) -> bool:
        rounds.append(time.monotonic())
        return len(rounds) < 5  # an update with five batches to send

    monkeypatch.setattr(background, "dispatch_due", lambda: None)
    dispatcher = InProcessDispatcher(app)
    try:
        with signals.sweep.connected_to(batches_left, sender=app):
            dispatcher.notify()
            deadline = time.monotonic() + 5
            while len(rounds) < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        dispatcher.stop()

    assert len(rounds) >= 5
    assert rounds[4] - rounds[0] < 0.5


def test_a_failing_sweep_is_rolled_back_and_logged_and_the_others_still_run(app, session, caplog):
    ran: list[str] = []

    def fails(app: Flask) -> None:
        session.add(Suppression(email="half-done@example.org", reason=SuppressionReason.BOUNCE))
        session.flush()
        raise RuntimeError("the sweep broke halfway")

    def has_more(app: Flask) -> bool:
        ran.append("has_more")
        return True

    with (
        signals.sweep.connected_to(fails, sender=app),
        signals.sweep.connected_to(has_more, sender=app),
    ):
        assert run_sweeps() is True

    assert ran == ["has_more"]
    assert session.scalar(select(Suppression)) is None
    assert f"sweep {__name__}.test_a_failing_sweep" in caplog.text
