"""Send what the outbox holds: claim due rows, send each, record the outcome.

Each step commits, so two dispatchers (threads, processes, Celery workers) never send one row
at once: claims.py claims rows for one run at a time, keeps the claims leased while the run
works, and takes back those of runs that stopped. Nothing committed is lost; a message goes
out twice only when its dispatcher stopped between handing it over and recording that.
"""

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.claims import (
    Holder,
    claim_due,
    hand_over,
    holding_claims,
    release,
    take_back_abandoned_claims,
)
from campaign.mailer.models import BLOCKS_ALL_MAIL, MessageStatus, OutboundEmail, Suppression
from campaign.mailer.transports import (
    Envelope,
    PermanentFailure,
    TemporaryFailure,
    Transport,
    UnknownOutcome,
    get_transport,
)

log = logging.getLogger(__name__)

CLAIM_BATCH = 50
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


def _suppressed(addresses: set[str]) -> set[str]:
    """Those of `addresses` that no mail may go to."""
    rows = db.session.execute(
        select(Suppression.email, Suppression.reason).where(Suppression.email.in_(addresses))
    )
    return {email for email, reason in rows if reason in BLOCKS_ALL_MAIL}


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


def _envelopes(ids: list[int]) -> list[tuple[int, Envelope, bool]]:
    """Each claimed row's id, envelope, and whether its address is suppressed: read in two
    statements before the first commit, which would expire every row read."""
    messages = db.session.scalars(select(OutboundEmail).where(OutboundEmail.id.in_(ids))).all()
    suppressed = _suppressed({message.to_address for message in messages})
    by_id = {message.id: message for message in messages}
    return [
        (message_id, envelope_for(by_id[message_id]), by_id[message_id].to_address in suppressed)
        for message_id in ids
        if message_id in by_id
    ]


def send_claimed(
    message_id: int,
    envelope: Envelope,
    suppressed: bool,
    transport: Transport,
    report: DispatchReport,
    holder: Holder,
) -> None:
    """Send one row `holder` claimed and record what happened (committed)."""
    now = utcnow()
    if suppressed:
        if release(
            message_id,
            holder,
            status=MessageStatus.SUPPRESSED,
            last_error="The address bounced or complained earlier; not sent.",
        ):
            report.suppressed += 1
        return
    # Committed before the transport sees the message: if this process dies while sending,
    # whoever takes the claim back knows it may have gone out, and the try counts.
    attempts = hand_over(message_id, holder, now)
    if attempts is None:
        return
    outcome = {}
    try:
        provider_id = transport.send(envelope)
    except PermanentFailure as error:
        status, last_error = MessageStatus.FAILED, str(error)
    except Exception as error:  # temporary, or a fault we must not lose mail to
        if not isinstance(error, TemporaryFailure):
            log.exception("unexpected error sending outbound email %s", message_id)
        last_error = str(error) or type(error).__name__
        if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
            status = MessageStatus.FAILED
        else:
            status = MessageStatus.QUEUED
            outcome["next_attempt_at"] = now + retry_delay(attempts)
            if isinstance(error, UnknownOutcome):
                # Retried all the same (a second confirmation does less harm than none).
                outcome["possible_duplicate"] = (
                    f"Possibly sent twice: the transport may have taken it without answering "
                    f"({last_error}); tried again."
                )
    else:
        status, last_error = MessageStatus.SENT, None
        outcome |= {"sent_at": now, "provider_message_id": provider_id}
    recorded = release(
        message_id,
        holder,
        status=_unless_an_event_came_first(OutboundEmail.status, status),
        last_error=_unless_an_event_came_first(OutboundEmail.last_error, last_error),
        **outcome,
    )
    if not recorded:
        return
    if status == MessageStatus.SENT:
        report.sent += 1
    elif status == MessageStatus.QUEUED:
        report.retrying += 1
    else:
        report.failed += 1


def dispatch_due(limit: int | None = None, transport: Transport | None = None) -> DispatchReport:
    """Send every message that is due now (or up to `limit` of them)."""
    transport = transport or get_transport()
    pacer = Pacer(current_app.config["MAIL_RATE_PER_SECOND"])
    report = DispatchReport()
    now = utcnow()
    take_back_abandoned_claims(now)
    handled = 0
    with holding_claims() as holder:
        while limit is None or handled < limit:
            batch = CLAIM_BATCH if limit is None else min(CLAIM_BATCH, limit - handled)
            ids = claim_due(batch, now, holder)
            if not ids:
                break
            for message_id, envelope, suppressed in _envelopes(ids):
                pacer.wait()
                send_claimed(message_id, envelope, suppressed, transport, report, holder)
            handled += len(ids)
    return report
