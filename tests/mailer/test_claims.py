"""Outbox claims: leased, renewed while their holder works, taken back once it has stopped."""

import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer import claims
from campaign.mailer.claims import (
    Holder,
    holding_claims,
    take_back_abandoned_claims,
    this_host,
)
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.models import MessageStatus, OutboundEmail
from tests.factories.mail import (
    ELSEWHERE,
    ScriptedTransport,
    make_claimed_email,
    make_outbound_email,
)


def ended_process_id() -> int:
    """The pid of a process of this host that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_holder_is_named_by_host_pid_and_token():
    holder = Holder(this_host(), os.getpid(), "0123abcd")

    assert Holder.parse(str(holder)) == holder
    assert Holder.parse(ELSEWHERE).describe() == "process 4242 on web-2"
    assert Holder.parse("not a holder") is None
    assert Holder.parse("web-1:0:token") is None


@pytest.mark.parametrize(
    "holder",
    [
        pytest.param(ELSEWHERE, id="on-another-host"),
        # Alive, but no longer renewing (stopped with SIGSTOP, or stuck): the lease decides.
        pytest.param(f"{this_host()}:{os.getppid()}:5ca1ab1e", id="alive-on-this-host"),
    ],
)
def test_a_claim_whose_lease_ran_out_is_taken_back_and_sent(session, holder):
    message = make_claimed_email(holder, lease_left=-timedelta(seconds=1))
    session.commit()
    transport = ScriptedTransport()

    report = dispatch_due(transport=transport)

    assert report.sent == 1
    assert [envelope.to for envelope in transport.sent] == ["reader@example.org"]
    assert message.status == MessageStatus.SENT
    # It never reached the transport before: no try to count, no doubt to record.
    assert message.attempts == 1
    assert message.possible_duplicate is None
    assert message.claimed_by is None and message.lease_expires_at is None


def test_a_claim_taken_back_after_hand_over_is_recorded_as_possibly_sent_twice(session):
    message = make_claimed_email(ELSEWHERE, lease_left=-timedelta(seconds=1), handed_over=True)
    session.commit()

    assert take_back_abandoned_claims(utcnow()) == 1

    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1  # the try that may have gone out counts
    assert message.possible_duplicate.startswith("Possibly sent twice: process 4242 on web-2")
    assert "stopped renewing its claim" in message.possible_duplicate
    note = message.possible_duplicate

    dispatch_due(transport=ScriptedTransport())

    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert message.possible_duplicate == note  # kept after the later successful send


def test_a_claim_of_a_process_of_this_host_that_ended_is_taken_back_at_once(session):
    pid = ended_process_id()
    message = make_claimed_email(f"{this_host()}:{pid}:0ddba11", handed_over=True)
    session.commit()

    assert take_back_abandoned_claims(utcnow()) == 1

    assert message.status == MessageStatus.QUEUED
    assert f"process {pid} on " in message.possible_duplicate
    assert " ended after handing it to the transport" in message.possible_duplicate


def test_a_claim_of_an_earlier_process_with_this_pid_is_taken_back_at_once(session):
    # After a restart a dispatcher may get the pid its predecessor had: the token tells.
    message = make_claimed_email(f"{this_host()}:{os.getpid()}:ba5eba11")
    session.commit()

    assert take_back_abandoned_claims(utcnow()) == 1

    assert message.status == MessageStatus.QUEUED
    assert message.possible_duplicate is None  # it was never handed over


def test_live_holders_keep_their_claims(session):
    with holding_claims() as running:
        messages = [
            make_claimed_email(ELSEWHERE, handed_over=True, to="elsewhere@example.org"),
            make_claimed_email(f"{this_host()}:{os.getppid()}:5ca1ab1e", to="parent@example.org"),
            make_claimed_email(str(running), handed_over=True, to="this-run@example.org"),
        ]
        session.commit()

        assert take_back_abandoned_claims(utcnow()) == 0
        assert dispatch_due(transport=ScriptedTransport()).sent == 0

    assert {message.status for message in messages} == {MessageStatus.SENDING}
    assert all(message.possible_duplicate is None for message in messages)


class KilledWhileSending(BaseException):
    """Stands for SIGKILL or an out-of-memory kill: nothing after it runs in that dispatcher."""


def test_a_message_whose_sender_dies_every_time_is_not_retried_for_ever(app, session):
    message = make_outbound_email()
    session.commit()
    attempts = app.config["MAIL_MAX_ATTEMPTS"]

    for _ in range(attempts):
        with pytest.raises(KilledWhileSending):
            dispatch_due(transport=ScriptedTransport(KilledWhileSending()))
    # The next dispatcher takes the last claim back and gives up on it.
    assert dispatch_due(transport=ScriptedTransport()).sent == 0

    assert message.status == MessageStatus.FAILED
    assert message.attempts == attempts
    assert message.last_error == "The dispatcher stopped while sending it, too many times."
    assert message.possible_duplicate.startswith("Possibly sent twice")


# Below, data is really committed: renewals and sweeps run in threads of their own.


class Sweeper:
    """Another dispatcher's sweep, run in a thread until stopped or `until` rows were taken."""

    def __init__(self, app, until: int | None = None) -> None:
        self.app = app
        self.until = until
        self.taken_back = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        with self.app.app_context():
            try:
                while not self.stop.wait(0.05):
                    self.taken_back += take_back_abandoned_claims(utcnow())
                    if self.until is not None and self.taken_back >= self.until:
                        return
            finally:
                db.session.remove()

    def __enter__(self) -> "Sweeper":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


class SlowTransport(ScriptedTransport):
    """A relay that takes `seconds` over the first message (a slow SMTP server, say)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def send(self, envelope):
        if not self.sent:
            time.sleep(self.seconds)
        return super().send(envelope)


def test_renewals_keep_a_slow_live_holders_claim(app, committed_outbox, monkeypatch):
    monkeypatch.setattr(claims, "CLAIM_LEASE", timedelta(seconds=0.9))
    monkeypatch.setattr(claims, "LEASE_RENEWAL", timedelta(seconds=0.2))
    message_id = make_outbound_email().id
    committed_outbox.commit()

    # The send outlasts three leases while another dispatcher sweeps twenty times a second.
    with Sweeper(app) as sweeper:
        report = dispatch_due(transport=SlowTransport(seconds=3.0))

    assert sweeper.taken_back == 0
    assert report.sent == 1
    committed_outbox.expire_all()
    message = committed_outbox.get(OutboundEmail, message_id)
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert message.possible_duplicate is None


def test_a_holder_that_lost_its_claims_records_nothing_and_sends_no_more_of_them(
    app, committed_outbox, monkeypatch, caplog
):
    # Its renewals are too late for its lease: another dispatcher takes both claims back
    # while the first message is out, and the first dispatcher learns it when recording.
    monkeypatch.setattr(claims, "CLAIM_LEASE", timedelta(seconds=0.5))
    monkeypatch.setattr(claims, "LEASE_RENEWAL", timedelta(seconds=60))
    first = make_outbound_email("first@example.org").id
    second = make_outbound_email("second@example.org").id
    committed_outbox.commit()
    transport = SlowTransport(seconds=1.5)

    with (
        caplog.at_level(logging.WARNING, logger="campaign.mailer.claims"),
        Sweeper(app, until=2) as sweeper,
    ):
        report = dispatch_due(transport=transport)

    assert sweeper.taken_back == 2
    # The same run claims both again once they are queued: the first message goes out a
    # second time, noted as such; the second goes out once, never by the lost claim.
    assert report.sent == 2
    sent = [envelope.to for envelope in transport.sent]
    assert sorted(sent) == ["first@example.org", "first@example.org", "second@example.org"]
    assert "was taken back from" in caplog.text
    rows = {
        row.id: row
        for row in committed_outbox.scalars(
            select(OutboundEmail).execution_options(populate_existing=True)
        )
    }
    assert {row.status for row in rows.values()} == {MessageStatus.SENT}
    assert rows[first].attempts == 2
    assert rows[first].possible_duplicate.startswith("Possibly sent twice")
    assert rows[second].attempts == 1
    assert rows[second].possible_duplicate is None
