"""Who holds a claimed outbox row, for how long, and when another dispatcher takes it back.

A dispatcher run claims rows (a compare-and-set from `queued` to `sending`, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL) in the name of a holder: this host, this process id
and a random token of the run. While the run works, a thread of its own renews the lease of
every row it holds, so a send however slow keeps its claim. Any dispatcher's sweep takes a
claim back once its lease has run out (its holder stopped or hangs, on whatever host), and at
once when its holder was a process of this host that has ended.

A claim taken back after its message was handed to the transport (`handed_over_at`) may have
reached its recipient: the try counts and the row is marked as possibly sent twice. That is
the only way a transactional email goes out twice; none is ever lost.
"""

import functools
import hashlib
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Engine, and_, case, not_, or_, select, true, update
from sqlalchemy.sql.elements import ColumnElement

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import MessageStatus, OutboundEmail

log = logging.getLogger(__name__)

# Renewed three times a lease: a holder keeps its claim through two failed renewals (a
# database busy for a moment), and a holder that stopped loses it within half a minute.
CLAIM_LEASE = timedelta(seconds=30)
LEASE_RENEWAL = timedelta(seconds=10)
RENEWER_STOP_SECONDS = 5.0

# Tokens of this process's runs that are still working (a run's own pid is alive meanwhile).
_running: set[str] = set()
_running_lock = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """One dispatcher run: its host, its process, and a token no later process can share."""

    host: str
    pid: int
    token: str

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.token}"

    @classmethod
    def parse(cls, claimed_by: str) -> "Holder | None":
        """The holder a `claimed_by` value names, or None if it names none."""
        host, _, rest = claimed_by.partition(":")
        pid, _, token = rest.partition(":")
        if not host or not pid.isdigit() or int(pid) == 0 or not token:
            return None
        return cls(host, int(pid), token)

    def describe(self) -> str:
        """For organisers: `process 1234 on web-1`."""
        return f"process {self.pid} on {self.host.partition('/')[0]}"


@functools.cache
def this_host() -> str:
    """This machine's name, tagged with its running kernel and PID namespace where Linux tells.

    Process ids compare only within those: two machines or containers that share a name, and
    this machine after a reboot, count as other hosts, whose claims only their lease ends.
    """
    facts = []
    try:
        facts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
        facts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        pass
    name = socket.gethostname().replace(":", "-")[:80]
    if not facts:
        return name
    return f"{name}/{hashlib.sha256(' '.join(facts).encode()).hexdigest()[:8]}"


def describe_holder(claimed_by: str | None) -> str:
    """Who holds (or held) a claim, in words for the console."""
    holder = Holder.parse(claimed_by) if claimed_by else None
    return holder.describe() if holder else "a dispatcher of an earlier version"


def holder_is_gone(holder: Holder) -> bool:
    """True when the holder has certainly stopped: a run or process of this host that ended.

    A holder elsewhere, or one whose process id is alive (perhaps reused by another program),
    may still be sending: only its lease ends its claim.
    """
    if holder.host != this_host():
        return False
    if holder.pid == os.getpid():
        with _running_lock:
            return holder.token not in _running
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, and run by another user
        return False
    return False


@contextmanager
def holding_claims() -> Iterator[Holder]:
    """A new holder for one dispatch run; its leases are renewed until the run ends."""
    holder = Holder(this_host(), os.getpid(), secrets.token_hex(4))
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew_leases, args=(db.engine, str(holder), stop), name="mail-lease", daemon=True
    )
    with _running_lock:
        _running.add(holder.token)
    renewer.start()
    try:
        yield holder
    finally:
        stop.set()
        # Bounded: a renewal stuck on a lock this thread holds must not stop the run ending.
        renewer.join(timeout=RENEWER_STOP_SECONDS)
        with _running_lock:
            _running.discard(holder.token)


def _renew_leases(engine: Engine, claimed_by: str, stop: threading.Event) -> None:
    while not stop.wait(LEASE_RENEWAL.total_seconds()):
        try:
            with engine.begin() as connection:
                connection.execute(
                    update(OutboundEmail)
                    .where(
                        OutboundEmail.claimed_by == claimed_by,
                        OutboundEmail.status == MessageStatus.SENDING,
                    )
                    .values(lease_expires_at=utcnow() + CLAIM_LEASE)
                )
        except Exception:  # the lease outlasts two missed renewals; the next one tries again
            log.exception("could not renew the outbox claims of %s", claimed_by)


def claim_due(limit: int, now: datetime, holder: Holder) -> list[int]:
    """Claim up to `limit` due rows for `holder`; committed before anything is sent."""
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
    # The lease runs from the claim, not from the run's start: a long run's later claims must
    # not look abandoned before its renewer first renews them.
    claimed_at = utcnow()
    claimed = db.session.scalars(
        update(OutboundEmail)
        .where(OutboundEmail.id.in_(ids), OutboundEmail.status == MessageStatus.QUEUED)
        .values(
            status=MessageStatus.SENDING,
            claimed_by=str(holder),
            claimed_at=claimed_at,
            lease_expires_at=claimed_at + CLAIM_LEASE,
            handed_over_at=None,
        )
        .returning(OutboundEmail.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def hand_over(message_id: int, holder: Holder, now: datetime) -> int | None:
    """Count the try and record that the transport is about to get the message (commits).

    Returns the attempts so far, or None when the claim was taken back meanwhile: the message
    is then another dispatcher's to send.
    """
    attempts = db.session.scalar(
        update(OutboundEmail)
        .where(
            OutboundEmail.id == message_id,
            OutboundEmail.claimed_by == str(holder),
            OutboundEmail.status == MessageStatus.SENDING,
        )
        .values(attempts=OutboundEmail.attempts + 1, handed_over_at=now)
        .returning(OutboundEmail.attempts)
    )
    db.session.commit()
    return attempts


def release(message_id: int, holder: Holder, **outcome) -> bool:
    """Record the outcome and end the claim, unless it was taken back meanwhile (commits)."""
    result = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == message_id, OutboundEmail.claimed_by == str(holder))
        .values(claimed_by=None, claimed_at=None, lease_expires_at=None, handed_over_at=None)
        .values(**outcome)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if not result.rowcount:
        log.warning(
            "outbound email %s was taken back from %s before it recorded the outcome",
            message_id,
            holder,
        )
    return bool(result.rowcount)


def take_back_abandoned_claims(now: datetime) -> int:
    """Queue again the rows whose holder has stopped (commits); returns how many."""
    holders = db.session.scalars(
        select(OutboundEmail.claimed_by)
        .where(OutboundEmail.status == MessageStatus.SENDING)
        .distinct()
    ).all()
    # End the read before writing: SQLite refuses to turn a read that another writer has
    # overtaken (a renewal, say) into a write.
    db.session.commit()
    lease_over = or_(OutboundEmail.lease_expires_at.is_(None), OutboundEmail.lease_expires_at < now)
    taken = 0
    for claimed_by in holders:
        holder = Holder.parse(claimed_by) if claimed_by else None
        if holder is not None and holder_is_gone(holder):
            taken += _take_back(claimed_by, true(), f"{holder.describe()} ended", now)
        else:
            who = describe_holder(claimed_by)
            taken += _take_back(claimed_by, lease_over, f"{who} stopped renewing its claim", now)
    db.session.commit()
    return taken


def _take_back(
    claimed_by: str | None, condition: ColumnElement, what_happened: str, now: datetime
) -> int:
    handed_over = OutboundEmail.handed_over_at.is_not(None)
    out_of_attempts = and_(
        handed_over, OutboundEmail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    )
    note = (
        f"Possibly sent twice: {what_happened} after handing it to the transport and before "
        f"recording the outcome; queued again at {now:%-d %B %Y, %H:%M:%S} UTC."
    )
    result = db.session.execute(
        update(OutboundEmail)
        .where(
            OutboundEmail.status == MessageStatus.SENDING,
            OutboundEmail.claimed_by == claimed_by,
            condition,
        )
        .values(
            # The try counted when it was handed over; one that kills its sender every time
            # fails after MAIL_MAX_ATTEMPTS instead of looping for ever.
            status=case((out_of_attempts, MessageStatus.FAILED), else_=MessageStatus.QUEUED),
            last_error=case(
                (out_of_attempts, "The dispatcher stopped while sending it, too many times."),
                else_=OutboundEmail.last_error,
            ),
            possible_duplicate=case(
                (and_(handed_over, not_(out_of_attempts)), note),
                else_=OutboundEmail.possible_duplicate,
            ),
            claimed_by=None,
            claimed_at=None,
            lease_expires_at=None,
            handed_over_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount:
        log.warning(
            "took back %s outbox rows from %s: %s", result.rowcount, claimed_by, what_happened
        )
    return result.rowcount
