"""What the console reads about updates: the list, and how an update's sending is going, read
from its delivery rows (counts, rate, time left, and afterwards what the provider reported:
delivered, bounced, unsubscribed, complaints)."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select

from campaign.admin.helpers import counts_by_status
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.events import MailEventKind
from campaign.petitions.models import Signature
from campaign.subscribers.models import Subscriber
from campaign.updates.models import Delivery, DeliveryStatus, Update

RATE_WINDOW = timedelta(minutes=1)
LISTED_ROWS = 200  # uncertain or failed rows shown on the page; the counts say how many more
# Provider events that mean the message reached the inbox (stronger news replaces "delivered").
DELIVERED_EVENTS = (MailEventKind.DELIVERED, MailEventKind.UNSUBSCRIBED, MailEventKind.SPAM_REPORT)
BOUNCED_EVENTS = (MailEventKind.BOUNCED, MailEventKind.DROPPED)


@dataclass(frozen=True)
class Progress:
    status: str
    counts: dict[str, int]
    total: int
    done: int  # no longer queued or in flight
    sent_last_minute: int
    seconds_left: int | None  # None while nothing is moving
    started_at: datetime | None
    finished_at: datetime | None

    def as_json(self) -> dict:
        """The same numbers for progress.json."""
        data = asdict(self)
        for key in ("started_at", "finished_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass(frozen=True)
class Outcomes:
    delivered: int
    bounced: int
    unsubscribed: int
    complaints: int


def delivery_counts(update_id: int) -> dict[str, int]:
    """Deliveries of the update by status, every status present (zero when none)."""
    return counts_by_status(Delivery.status, DeliveryStatus, Delivery.update_id == update_id)


def console_updates() -> Select:
    """Every update, drafts included, newest first."""
    return select(Update).order_by(Update.created_at.desc(), Update.id.desc())


def sent_counts(update_ids: list[int]) -> dict[int, int]:
    """Sent deliveries of each of these updates (for the list)."""
    if not update_ids:
        return {}
    rows = db.session.execute(
        select(Delivery.update_id, func.count())
        .where(Delivery.update_id.in_(update_ids), Delivery.status == DeliveryStatus.SENT)
        .group_by(Delivery.update_id)
    ).all()
    return dict(rows)


def progress(update: Update, now: datetime | None = None) -> Progress:
    """Where the sending stands now."""
    now = now or utcnow()
    counts = delivery_counts(update.id)
    total = sum(counts.values())
    waiting = counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.SENDING]
    recent = db.session.scalar(
        select(func.count()).where(
            Delivery.update_id == update.id,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.sent_at >= now - RATE_WINDOW,
        )
    )
    seconds_left = None
    if waiting and recent:
        seconds_left = round(waiting / recent * RATE_WINDOW.total_seconds())
    return Progress(
        status=update.status,
        counts=counts,
        total=total,
        done=total - waiting,
        sent_last_minute=recent,
        seconds_left=seconds_left,
        started_at=update.started_at,
        finished_at=update.finished_at,
    )


def outcomes(update: Update) -> Outcomes:
    """What the provider reported about the update's emails."""
    row = db.session.execute(
        select(
            func.count().filter(Delivery.event.in_(DELIVERED_EVENTS)),
            func.count().filter(Delivery.event.in_(BOUNCED_EVENTS)),
            func.count().filter(Delivery.unsubscribed.is_(True)),
            func.count().filter(Delivery.event == MailEventKind.SPAM_REPORT),
        ).where(Delivery.update_id == update.id)
    ).one()
    return Outcomes(*row)


def rows_with_status(update: Update, status: DeliveryStatus, limit: int = LISTED_ROWS) -> list:
    """(email, claimed_at, sent_at, error) of some deliveries in one status, oldest first."""
    return db.session.execute(
        select(
            func.coalesce(Subscriber.email, Signature.email).label("email"),
            Delivery.claimed_at,
            Delivery.sent_at,
            Delivery.error,
        )
        # A delivery is to a subscriber or, for an outcome told to signers, to a signature.
        .outerjoin(Subscriber, Subscriber.id == Delivery.subscriber_id)
        .outerjoin(Signature, Signature.id == Delivery.signature_id)
        .where(Delivery.update_id == update.id, Delivery.status == status)
        .order_by(Delivery.id)
        .limit(limit)
    ).all()
