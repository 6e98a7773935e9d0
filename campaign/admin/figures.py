"""The figures on the console's front page: what an organiser checks every hour.

Each is one aggregate query (COUNT or SUM, grouped where it needs to be): the database counts,
Python never holds the rows. "Today" and "this week" are UTC days: today since midnight UTC,
the week the last seven days with today.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from campaign.db import utcnow
from campaign.donations.models import Donation, DonationStatus
from campaign.extensions import db
from campaign.mailer.models import MessageStatus, OutboundEmail
from campaign.petitions.models import Signature, SignatureStatus
from campaign.petitions.reports import WAITING_COMMENT, confirmed_by_day
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import Delivery, DeliveryStatus, Update, UpdateStatus
from campaign.utc_days import last_days

WEEK_DAYS = 7
CHART_DAYS = 14
LEFT = (SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED)


@dataclass(frozen=True)
class Trend:
    """A count in a period beside the same count in the period before."""

    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def direction(self) -> str:
        """ "up", "down" or "same", for the words and the arrow."""
        if self.change > 0:
            return "up"
        return "down" if self.change < 0 else "same"


@dataclass(frozen=True)
class Periods:
    """Where today, yesterday, this week and the week before begin (UTC)."""

    today: datetime
    yesterday: datetime
    week: datetime
    week_before: datetime

    @classmethod
    def at(cls, now: datetime | None = None) -> "Periods":
        _days, today = last_days(1, now)
        week = today - timedelta(days=WEEK_DAYS - 1)
        return cls(today, today - timedelta(days=1), week, week - timedelta(days=WEEK_DAYS))


@dataclass(frozen=True)
class SignatureFigures:
    today: Trend  # against yesterday
    week: Trend  # against the seven days before


def signatures(now: datetime | None = None) -> SignatureFigures:
    """Signatures confirmed today and this week, with the periods before, in one query."""
    at = Periods.at(now)
    when = Signature.confirmed_at
    row = db.session.execute(
        select(
            func.count().filter(when >= at.today),
            func.count().filter(when >= at.yesterday, when < at.today),
            func.count().filter(when >= at.week),
            func.count().filter(when < at.week),
        ).where(Signature.status == SignatureStatus.CONFIRMED, when >= at.week_before)
    ).one()
    return SignatureFigures(Trend(row[0], row[1]), Trend(row[2], row[3]))


@dataclass(frozen=True)
class Waiting:
    """What waits for someone: a confirmation by email, or a moderator."""

    signatures: int  # signed, email not confirmed
    subscribers: int  # subscribed, email not confirmed
    comments: int  # of confirmed signers, waiting for a moderator


def waiting() -> Waiting:
    """Unconfirmed signatures and subscribers, and comments waiting for moderation."""
    pending = Signature.status == SignatureStatus.PENDING
    signature_row = db.session.execute(
        select(func.count().filter(pending), func.count().filter(WAITING_COMMENT)).where(
            Signature.status.in_((SignatureStatus.PENDING, SignatureStatus.CONFIRMED))
        )
    ).one()
    subscribers = db.session.scalar(
        select(func.count()).where(Subscriber.status == SubscriberStatus.PENDING)
    )
    return Waiting(signature_row[0], subscribers, signature_row[1])


@dataclass(frozen=True)
class SubscriberFigures:
    gained: int  # confirmed their address this week
    lost: int  # unsubscribed, bounced or complained this week


def subscribers(now: datetime | None = None) -> SubscriberFigures:
    """Subscribers gained and lost this week."""
    week = Periods.at(now).week
    row = db.session.execute(
        select(
            func.count().filter(Subscriber.confirmed_at >= week),
            func.count().filter(Subscriber.status.in_(LEFT), Subscriber.unsubscribed_at >= week),
        )
    ).one()
    return SubscriberFigures(*row)


@dataclass(frozen=True)
class Raised:
    currency: str
    amount: int  # minor units
    donations: int


def raised_this_week(now: datetime | None = None) -> list[Raised]:
    """Paid donations of this week, summed per currency (never mixed), by currency code."""
    week = Periods.at(now).week
    rows = db.session.execute(
        select(Donation.currency, func.sum(Donation.amount), func.count())
        .where(Donation.status == DonationStatus.PAID, Donation.paid_at >= week)
        .group_by(Donation.currency)
        .order_by(Donation.currency)
    )
    return [Raised(currency, int(amount or 0), n) for currency, amount, n in rows]


@dataclass(frozen=True)
class UpdateFigures:
    sending: int  # sending or paused mid-way
    scheduled: int


def updates() -> UpdateFigures:
    """Updates going out now (or paused mid-way) and updates scheduled."""
    going = (UpdateStatus.SENDING, UpdateStatus.PAUSED)
    row = db.session.execute(
        select(
            func.count().filter(Update.status.in_(going)),
            func.count().filter(Update.status == UpdateStatus.SCHEDULED),
        ).where(Update.status.in_((*going, UpdateStatus.SCHEDULED)))
    ).one()
    return UpdateFigures(*row)


@dataclass(frozen=True)
class FailedMail:
    outbox: int  # transactional mail that failed for good and waits for a retry
    deliveries: int  # update deliveries refused this week


def failed_mail(now: datetime | None = None) -> FailedMail:
    """Outbox messages failed (until retried) and update deliveries failed this week."""
    week = Periods.at(now).week
    outbox = db.session.scalar(
        select(func.count()).where(OutboundEmail.status == MessageStatus.FAILED)
    )
    deliveries = db.session.scalar(
        select(func.count()).where(
            Delivery.status == DeliveryStatus.FAILED, Delivery.claimed_at >= week
        )
    )
    return FailedMail(outbox, deliveries)


@dataclass(frozen=True)
class Dashboard:
    signatures: SignatureFigures
    waiting: Waiting
    subscribers: SubscriberFigures
    raised: list[Raised]
    updates: UpdateFigures
    failed: FailedMail
    by_day: list[tuple[date, int]]


def dashboard(now: datetime | None = None) -> Dashboard:
    """Every figure of the front page, read at one moment."""
    now = now or utcnow()
    return Dashboard(
        signatures=signatures(now),
        waiting=waiting(),
        subscribers=subscribers(now),
        raised=raised_this_week(now),
        updates=updates(),
        failed=failed_mail(now),
        by_day=confirmed_by_day(None, CHART_DAYS, now),
    )
