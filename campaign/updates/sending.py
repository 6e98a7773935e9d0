"""Sending an update so that a crash can never skip or repeat anyone.

Every batch goes through three committed steps:

1. claim: queued rows -> `sending`, stamped with a fresh batch token (SKIP LOCKED on
   PostgreSQL, so parallel senders take different rows);
2. hand the batch to the transport (one SendGrid request, or one message each by file/SMTP),
   one hand-over for each version its people read;
3. mark: rows of that hand-over -> `sent` / `failed`, or back to `queued` when refused for now.
   Each hand-over's rows are marked and committed before the next version goes, so a failure
   of a later one (released, or declared uncertain) only touches rows that have not gone.

A sender that dies between 1 and 3 leaves its batch in `sending`. Once its lease has run out,
those rows become `uncertain`: perhaps sent, perhaps not. They are never sent again by
themselves; the organiser chooses to resend or drop them. Everyone else gets the update once.
Status is checked again when a batch is built: whoever left in the meantime gets nothing.
"""

import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import BigInteger, ColumnElement, any_, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from campaign.caching import bump_revision
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.dispatch import Pacer
from campaign.mailer.models import BLOCKS_ALL_MAIL, Suppression
from campaign.mailer.transports import (
    BulkMessage,
    TemporaryFailure,
    Transport,
    UnknownOutcome,
    get_transport,
)
from campaign.people.erased import erased_among
from campaign.petitions.models import Signature
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.audience import queue_deliveries, signer_reachable
from campaign.updates.composing import Letters, Person
from campaign.updates.models import AudienceKind, Delivery, DeliveryStatus, Update, UpdateStatus

log = logging.getLogger(__name__)

BATCH_RETRIES = 3
CANCELLED_ERROR = "Cancelled by an organiser"

# Batches are claimed, read and marked with Core statements on the table: the ORM's
# per-row objects and bookkeeping cost more than the rest of a batch.
deliveries = Delivery.__table__
subscribers = Subscriber.__table__
suppressions = Suppression.__table__


@dataclass
class SendReport:
    batches: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retrying: int = 0
    uncertain: int = 0
    requests: int = 0
    stopped_because: str = ""
    progress: list[str] = field(default_factory=list)


def lease() -> timedelta:
    """How long a claimed batch may take before its rows are declared uncertain."""
    return timedelta(seconds=current_app.config["UPDATE_BATCH_LEASE_SECONDS"])


def start(update_row: Update, now: datetime | None = None) -> int:
    """Begin (or resume) sending: status `sending`, the audience queued (commits)."""
    if update_row.status in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED, UpdateStatus.PAUSED):
        # A compare-and-set from the status read: an organiser who unscheduled or cancelled it
        # a moment ago (in another process) wins.
        db.session.execute(
            update(Update)
            .where(Update.id == update_row.id, Update.status == update_row.status)
            .values(
                status=UpdateStatus.SENDING,
                started_at=func.coalesce(Update.started_at, now or utcnow()),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        db.session.refresh(update_row)
    if update_row.status != UpdateStatus.SENDING:
        return 0
    return ensure_queued(update_row)


def ensure_queued(update_row: Update) -> int:
    """Create the delivery rows unless a previous run finished doing so (commits).

    A sender killed halfway through queueing left some chunks out; this finishes them, adding
    only people who had joined before the update started.
    """
    if update_row.audience_queued_at is not None or update_row.status != UpdateStatus.SENDING:
        return 0
    created = queue_deliveries(update_row, joined_before=update_row.started_at)
    update_row.audience_queued_at = utcnow()
    db.session.commit()
    db.session.refresh(update_row)
    if update_row.status == UpdateStatus.CANCELLED:
        # Cancelled while the rows were being made: those made since then go nowhere either.
        db.session.execute(
            update(Delivery)
            .where(Delivery.update_id == update_row.id, Delivery.status == DeliveryStatus.QUEUED)
            .values(status=DeliveryStatus.SKIPPED, error=CANCELLED_ERROR)
        )
        db.session.commit()
    return created


def mark_abandoned_uncertain(update_id: int, now: datetime) -> int:
    """Batches claimed longer ago than the lease were left by a dead sender (commits)."""
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.update_id == update_id,
            Delivery.status == DeliveryStatus.SENDING,
            Delivery.claimed_at < now - lease(),
        )
        .values(status=DeliveryStatus.UNCERTAIN)
    )
    db.session.commit()
    return result.rowcount


def claim_batch(
    update_id: int, size: int, now: datetime, not_claimed_since: datetime | None = None
) -> tuple[str, int] | None:
    """Claim up to `size` queued deliveries under a new batch token (committed).

    With `not_claimed_since`, rows already claimed since then (refused for now, given back
    to the queue) are left for a later run rather than tried again at once.
    """
    candidates = (
        select(deliveries.c.id)
        .where(
            deliveries.c.update_id == update_id,
            deliveries.c.status == DeliveryStatus.QUEUED,
        )
        .order_by(deliveries.c.id)
        .limit(size)
    )
    if not_claimed_since is not None:
        candidates = candidates.where(
            or_(deliveries.c.claimed_at.is_(None), deliveries.c.claimed_at < not_claimed_since)
        )
    if _on_postgres():
        # ARRAY(subquery) runs once, as an InitPlan; `IN (subquery)` could be planned as the
        # inner side of a join and run again, locking other rows each time.
        chosen = deliveries.c.id == any_(
            func.array(candidates.with_for_update(skip_locked=True).scalar_subquery())
        )
    else:
        chosen = deliveries.c.id.in_(candidates.scalar_subquery())
    token = uuid.uuid4().hex
    # One statement: the ids never travel to Python and back.
    claimed = db.session.execute(
        update(deliveries)
        .where(chosen, deliveries.c.status == DeliveryStatus.QUEUED)
        .values(status=DeliveryStatus.SENDING, batch=token, claimed_at=now)
    ).rowcount
    db.session.commit()
    return (token, claimed) if claimed else None


def _on_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _among(column: ColumnElement, ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids`; on PostgreSQL one array parameter rather than a thousand."""
    if _on_postgres():
        return column == any_(literal(ids, ARRAY(BigInteger)))
    return column.in_(ids)


def _mark(token: str, ids: list[int], **values) -> None:
    if ids:
        # Rows declared uncertain while a slow sender was still at work are settled by it, and
        # so are those an organiser queued again meanwhile, as long as no one claimed them.
        db.session.execute(
            update(deliveries)
            .where(
                deliveries.c.batch == token,
                _among(deliveries.c.id, ids),
                deliveries.c.status.in_(
                    [DeliveryStatus.SENDING, DeliveryStatus.UNCERTAIN, DeliveryStatus.QUEUED]
                ),
            )
            .values(**values)
        )


def _give_up_on(ids: list[int]) -> int:
    """Fail the rows refused for now too often (a full mailbox for days); returns how many."""
    limit = current_app.config["MAIL_MAX_ATTEMPTS"]
    return db.session.execute(
        update(deliveries)
        .where(
            _among(deliveries.c.id, ids),
            deliveries.c.status == DeliveryStatus.QUEUED,
            deliveries.c.attempts >= limit,
        )
        .values(status=DeliveryStatus.FAILED, error=f"Refused {limit} times; given up.")
    ).rowcount


def _outcome_values(
    outcome: str, provider_id: str | None, error: str | None, now: datetime
) -> dict:
    if outcome == "sent":
        return {
            "status": DeliveryStatus.SENT,
            "sent_at": now,
            "provider_message_id": provider_id,
            "error": None,
        }
    if outcome == "retry":
        return {
            "status": DeliveryStatus.QUEUED,
            "batch": None,
            "error": error,
            "attempts": deliveries.c.attempts + 1,
        }
    status = DeliveryStatus.FAILED if outcome == "failed" else DeliveryStatus.UNCERTAIN
    return {"status": status, "error": error}


def send_batch(
    update_row: Update,
    token: str,
    transport: Transport,
    report: SendReport,
    rendered: Letters | None = None,
) -> None:
    """Send one claimed batch and record each row's outcome (committed).

    `rendered`: the update's `Letters`, when the caller sends many batches.
    """
    rows = _batch_rows(update_row, token)
    # One statement a batch: an address erased at its owner's request is reached again only
    # after they confirm a sign-up themselves (which clears it), whatever put it back here.
    erased = erased_among(row.email for row in rows if row.reachable)

    def reachable(row) -> bool:
        return row.reachable and row.email not in erased

    gone = [row.delivery_id for row in rows if not reachable(row)]
    recipients = [(row.delivery_id, row) for row in rows if reachable(row)]
    if gone:
        _mark(
            token, gone, status=DeliveryStatus.SKIPPED, error="Left before the update reached them."
        )
        db.session.commit()  # settled whatever becomes of the hand-overs below
        report.skipped += len(gone)
    if recipients:
        # Each person's version is chosen from those read once for the run: no query per person.
        for message, people in (rendered or Letters(update_row)).split(recipients):
            _hand_over(token, transport, message, people, report)
            db.session.commit()
    db.session.commit()
    report.batches += 1


def _batch_rows(update_row: Update, token: str) -> list:
    """The batch's (delivery_id, id, email, name, language, reachable) rows: who they are
    and whether they may still be reached, read again now, whoever it is for."""
    mine = (deliveries.c.batch == token, deliveries.c.status == DeliveryStatus.SENDING)
    if update_row.audience_kind == AudienceKind.SIGNERS:
        # The audience's own test, now: a signer who stopped this petition's news, left our
        # updates, or whose address bounced since it was queued, gets nothing.
        query = select(
            deliveries.c.id.label("delivery_id"),
            Signature.id,
            Signature.email,
            Signature.name,
            Signature.language,
            signer_reachable().label("reachable"),
        ).join(Signature, Signature.id == deliveries.c.signature_id)
    else:
        query = (
            select(
                deliveries.c.id.label("delivery_id"),
                subscribers.c.id,
                subscribers.c.email,
                subscribers.c.name,
                subscribers.c.language,
                (
                    (subscribers.c.status == SubscriberStatus.ACTIVE)
                    # An address that bounced or complained gets nothing, whatever its
                    # subscriber says.
                    & func.coalesce(suppressions.c.reason.not_in(list(BLOCKS_ALL_MAIL)), True)
                ).label("reachable"),
            )
            .join(subscribers, subscribers.c.id == deliveries.c.subscriber_id)
            .outerjoin(suppressions, suppressions.c.email == subscribers.c.email)
        )
    return db.session.execute(query.where(*mine).order_by(deliveries.c.id)).all()


def _hand_over(
    token: str,
    transport: Transport,
    message: BulkMessage,
    people: list[tuple[int, Person]],
    report: SendReport,
) -> None:
    """Send one bulk message of a batch and mark its people's rows (flushed, not committed)."""
    results = _send_with_retries(transport, message, report)
    now = utcnow()
    counted: Counter[str] = Counter()
    # Rows with the same outcome, provider id and error are marked in one statement: a
    # SendGrid batch shares one message id, so a thousand rows cost one UPDATE.
    groups: dict[tuple[str, str | None, str | None], list[int]] = defaultdict(list)
    for (delivery_id, _person), result in zip(people, results, strict=True):
        groups[(result.outcome, result.provider_id, result.error)].append(delivery_id)
    for (outcome, provider_id, error), ids in groups.items():
        _mark(token, ids, **_outcome_values(outcome, provider_id, error, now))
        counted[outcome] += len(ids)
        if outcome == "retry":
            given_up = _give_up_on(ids)
            counted["failed"] += given_up
            counted["retry"] -= given_up
    report.sent += counted["sent"]
    report.failed += counted["failed"]
    report.retrying += counted["retry"]
    report.uncertain += counted["uncertain"]


def _send_with_retries(transport: Transport, message, report: SendReport):
    delay = current_app.config["UPDATE_RETRY_SECONDS"]
    for attempt in range(1, BATCH_RETRIES + 1):
        report.requests += 1
        try:
            return transport.send_bulk(message)
        except UnknownOutcome:
            raise  # it may have gone: never send it again by ourselves
        except TemporaryFailure as error:
            if attempt == BATCH_RETRIES:
                raise
            log.warning("batch refused for now (%s); trying again in %ss", error, delay)
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def declare_uncertain(token: str, reason: str) -> int:
    """What is still in flight of a batch the provider may or may not have taken: the
    organiser decides (committed). Returns how many rows."""
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.batch == token, Delivery.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.UNCERTAIN, error=reason)
    )
    db.session.commit()
    return result.rowcount


def release(token: str, reason: str) -> None:
    """Give a batch the transport would not take back to the queue (committed)."""
    db.session.execute(
        update(Delivery)
        .where(Delivery.batch == token, Delivery.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.QUEUED, batch=None, error=reason)
    )
    db.session.commit()


def finish_if_done(update_row: Update, now: datetime) -> bool:
    """Mark the update sent once nothing is queued or in flight (committed)."""
    open_rows = db.session.scalar(
        select(func.count()).where(
            Delivery.update_id == update_row.id,
            Delivery.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
        )
    )
    if open_rows:
        db.session.commit()
        return False
    values = {"status": UpdateStatus.SENT, "finished_at": now}
    if update_row.publish_on_site and update_row.published_at is None:
        values["published_at"] = now
    # Only from `sending`: an update cancelled a moment ago stays cancelled and unpublished.
    finished = db.session.execute(
        update(Update)
        .where(Update.id == update_row.id, Update.status == UpdateStatus.SENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if finished and "published_at" in values:
        bump_revision(db.session.connection(), "content")  # the hub now lists it
    db.session.commit()
    db.session.refresh(update_row)
    return finished == 1


def run(
    update_id: int,
    transport: Transport | None = None,
    max_seconds: float | None = None,
    on_batch: Callable[[SendReport], None] | None = None,
    share_of_rate: int = 1,
) -> SendReport:
    """Send an update's queued deliveries until done, paused, cancelled or out of time.

    `share_of_rate`: how many senders work on the update at once, so that together they keep
    to MAIL_RATE_PER_SECOND.
    """
    transport = transport or get_transport()
    report = SendReport()
    size = current_app.config["MAIL_BATCH_SIZE"]
    rate = current_app.config["MAIL_RATE_PER_SECOND"]
    pacer = Pacer(max(1, rate // share_of_rate) if rate else 0)
    deadline = time.monotonic() + max_seconds if max_seconds else None
    started = utcnow()
    mark_abandoned_uncertain(update_id, started)
    ensure_queued(db.session.get(Update, update_id))
    rendered: Letters | None = None
    while True:
        update_row = db.session.get(Update, update_id)
        db.session.refresh(update_row)
        if update_row.status != UpdateStatus.SENDING:
            report.stopped_because = update_row.status
            db.session.commit()
            return report
        if deadline is not None and time.monotonic() > deadline:
            report.stopped_because = "time"
            return report
        # Wait for the rate limit before claiming, not after: the lease runs from the claim.
        pacer.wait(size)
        claimed = claim_batch(update_id, size, utcnow(), not_claimed_since=started)
        if claimed is None:
            if finish_if_done(update_row, utcnow()):
                report.stopped_because = "done"
            elif report.retrying:
                report.stopped_because = f"refused for now: {report.retrying} to try again later"
            else:
                report.stopped_because = "in flight"
            return report
        token = claimed[0]
        try:
            # Versions read once a run, after the first claim (sending has begun, so they are
            # frozen); each is rendered when a batch first needs it: a run with nothing to send
            # renders nothing.
            rendered = rendered or Letters(update_row)
            send_batch(update_row, token, transport, report, rendered)
        except UnknownOutcome as error:
            db.session.rollback()
            # Only the rows not yet marked: a version handed over before this one went.
            report.uncertain += declare_uncertain(token, str(error))
            continue
        except TemporaryFailure as error:
            db.session.rollback()
            release(token, str(error))
            report.stopped_because = f"refused for now: {error}"
            return report
        except Exception:
            # Unknown whether anything went: leave the batch claimed; the lease decides.
            db.session.rollback()
            raise
        if on_batch:
            on_batch(report)
