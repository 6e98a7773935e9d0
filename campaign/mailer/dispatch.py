"""Send what the outbox holds: claim due rows, send each, record the outcome.

Each step commits, so two dispatchers (threads, processes, Celery workers) never send one row:
a row is claimed by a compare-and-set from `queued` to `sending` (with `FOR UPDATE SKIP LOCKED`
on PostgreSQL so they do not even wait for each other). A process that dies mid-send leaves
its rows in `sending`; after STALE_CLAIM they are queued again. Nothing committed is lost.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, select, update

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import BLOCKS_ALL_MAIL, MessageStatus, OutboundEmail, Suppression
from campaign.mailer.transports import (
    Envelope,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    get_transport,
)

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
STALE_CLAIM = timedelta(minutes=10)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=2)


class Pacer:
    """Keeps sends at or under `rate` a second (MAIL_RATE_PER_SECOND; 0 means no limit)."""

    def __init__(self, rate: int) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_slot = time.monotonic()

    def wait(self, count: int = 1) -> None:
        """Wait until `count` more messages may go."""
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next_slot:
            time.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + self.interval * count


@dataclass
class DispatchReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    suppressed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with a little jitter: 30 s, 1 min, 2 min … at most two hours."""
    delay = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)
    return delay * random.uniform(0.9, 1.1)


def requeue_stale_claims(now: datetime) -> int:
    """Give rows claimed by a dispatcher that has since died back to the queue.

    The try that died counts as an attempt (its own count was never committed), so a message
    that kills its sender each time fails after MAIL_MAX_ATTEMPTS instead of looping for ever.
    """
    attempts = OutboundEmail.attempts + 1
    out_of_attempts = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    result = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.status == MessageStatus.SENDING,
            OutboundEmail.claimed_at < now - STALE_CLAIM,
        )
        .values(
            status=case((out_of_attempts, MessageStatus.FAILED), else_=MessageStatus.QUEUED),
            attempts=attempts,
            last_error=case(
                (out_of_attempts, "The dispatcher stopped while sending it, too many times."),
                else_=OutboundEmail.last_error,
            ),
            claimed_at=None,
        )
    )
    db.session.commit()
    return result.rowcount


def claim_due(limit: int, now: datetime) -> list[int]:
    """Claim up to `limit` due rows for this dispatcher; committed before anything is sent."""
    candidates = (
        select(OutboundEmail.id)
        .where(OutboundEmail.status == MessageStatus.QUEUED, OutboundEmail.next_attempt_at <= now)
        .order_by(OutboundEmail.next_attempt_at, OutboundEmail.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(candidates))
    if not ids:
        db.session.commit()
        return []
    # Stamped with the time of the claim, not the run's start: a long run's later claims must
    # not look abandoned to another dispatcher's requeue_stale_claims.
    claimed = db.session.scalars(
        update(OutboundEmail)
        .where(OutboundEmail.id.in_(ids), OutboundEmail.status == MessageStatus.QUEUED)
        .values(status=MessageStatus.SENDING, claimed_at=utcnow())
        .returning(OutboundEmail.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _is_suppressed(address: str) -> bool:
    reason = db.session.scalar(select(Suppression.reason).where(Suppression.email == address))
    return reason in BLOCKS_ALL_MAIL


def envelope_for(message: OutboundEmail) -> Envelope:
    return Envelope(
        sender=current_app.config["MAIL_FROM"],
        to=message.to_address,
        subject=message.subject,
        text=message.text_body,
        html=message.html_body,
        headers=dict(message.headers or {}),
        custom_args={"outbound_id": str(message.id)},
    )


def _unless_an_event_came_first(column, value):
    """`value`, unless a provider event (delivered, deferred, bounced) arrived while we sent.

    Compared in the UPDATE itself, so a webhook committed a moment ago is never overwritten.
    """
    return case((OutboundEmail.status == MessageStatus.SENDING, value), else_=column)


def send_claimed(message: OutboundEmail, transport: Transport, report: DispatchReport) -> None:
    """Send one claimed row and record what happened (committed)."""
    now = utcnow()
    if _is_suppressed(message.to_address):
        message.status = MessageStatus.SUPPRESSED
        message.last_error = "The address bounced or complained earlier; not sent."
        report.suppressed += 1
        db.session.commit()
        return
    message.attempts += 1
    try:
        provider_id = transport.send(envelope_for(message))
    except PermanentFailure as error:
        status, last_error = MessageStatus.FAILED, str(error)
        report.failed += 1
    except Exception as error:  # temporary, or a fault we must not lose mail to
        if not isinstance(error, TemporaryFailure):
            log.exception("unexpected error sending outbound email %s", message.id)
        last_error = str(error) or type(error).__name__
        if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            status = MessageStatus.FAILED
            report.failed += 1
        else:
            status = MessageStatus.QUEUED
            message.next_attempt_at = now + retry_delay(message.attempts)
            report.retrying += 1
    else:
        status, last_error = MessageStatus.SENT, None
        message.sent_at = now
        message.provider_message_id = provider_id
        report.sent += 1
    message.status = _unless_an_event_came_first(OutboundEmail.status, status)
    message.last_error = _unless_an_event_came_first(OutboundEmail.last_error, last_error)
    message.claimed_at = None
    db.session.commit()


def dispatch_due(limit: int | None = None, transport: Transport | None = None) -> DispatchReport:
    """Send every message that is due now (or up to `limit` of them)."""
    transport = transport or get_transport()
    pacer = Pacer(current_app.config["MAIL_RATE_PER_SECOND"])
    report = DispatchReport()
    now = utcnow()
    requeue_stale_claims(now)
    handled = 0
    while limit is None or handled < limit:
        batch = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - handled)
        ids = claim_due(batch, now)
        if not ids:
            break
        for message_id in ids:
            pacer.wait()
            send_claimed(db.session.get(OutboundEmail, message_id), transport, report)
        handled += len(ids)
    return report
