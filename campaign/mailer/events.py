"""SendGrid's Event Webhook: apply each event of a signed request exactly once.

Bounces, drops, spam reports and unsubscribes suppress the address; delivery events move our
outbox rows along. Each event is recorded in `webhook_events` by its `sg_event_id` (or, without
a usable one, by a digest of its JSON), so a repeated delivery changes nothing.

Each event of a batch is applied in its own savepoint and read through `Fields`: one that is
not an object, or whose address, type or name is of the wrong shape or too long for our
columns, is recorded as unusable and the others are applied. Our ids in custom_args
(`outbound_id`, an update's `delivery_id`) that are not numbers of ours name no row.
"""

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.addresses import MAX_EMAIL_LENGTH, normalise_email
from campaign.audience.models import Subscriber, SubscriberStatus
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression, SuppressionReason
from campaign.webhooks.dedupe import MAX_EVENT_TYPE_LENGTH, apply_once, identify
from campaign.webhooks.fields import INT32_MAX, INT64_MAX, Fields
from campaign.webhooks.models import Outcome

PROVIDER = "sendgrid"
BOUNCE_TYPE_LENGTH = 40  # "bounce" or "blocked"
NOTE_LENGTH = 500  # of a mail server's reply kept on an outbox row
DETAIL_LENGTH = 1000  # of what a suppression says about its cause

# What each suppressing event does to the address and to a subscriber with that address.
SUPPRESSING_EVENTS = {
    "bounce": (SuppressionReason.BOUNCE, SubscriberStatus.BOUNCED),
    "dropped": (SuppressionReason.DROPPED, SubscriberStatus.BOUNCED),
    "spamreport": (SuppressionReason.SPAM_REPORT, SubscriberStatus.COMPLAINED),
    "unsubscribe": (SuppressionReason.UNSUBSCRIBE, SubscriberStatus.UNSUBSCRIBED),
    "group_unsubscribe": (SuppressionReason.UNSUBSCRIBE, SubscriberStatus.UNSUBSCRIBED),
}

# Events arrive out of order and more than once: a weaker reason never replaces a stronger one.
SUPPRESSION_STRENGTH = {
    SuppressionReason.UNSUBSCRIBE: 1,
    SuppressionReason.DROPPED: 2,
    SuppressionReason.BOUNCE: 3,
    SuppressionReason.SPAM_REPORT: 4,
}
SUBSCRIBER_STRENGTH = {
    SubscriberStatus.UNSUBSCRIBED: 1,
    SubscriberStatus.BOUNCED: 2,
    SubscriberStatus.COMPLAINED: 3,
}
# The reader asked to stop (directly, or by marking the mail as spam); a bounce asked nothing.
LEFT_BY_CHOICE = frozenset({SubscriberStatus.UNSUBSCRIBED, SubscriberStatus.COMPLAINED})


@dataclass
class EventReport:
    processed: int = 0
    duplicates: int = 0
    unusable: int = 0
    failed: int = 0


def apply_events(events: list[object]) -> EventReport:
    """Record and apply each event not seen before, each on its own; flushed, the caller
    commits. One that cannot be applied is recorded as such, and the others still are."""
    report = EventReport()
    for event in events:
        # SendGrid's own id is only how we recognise a repeat: without it, its digest does.
        identity = identify(
            event,
            "sg_event_id",
            "event",
            functools.partial(_canonical, event),
            id_required=False,
        )
        record = apply_once(PROVIDER, identity, functools.partial(apply_event, event))
        if record is None:
            report.duplicates += 1
        elif record.outcome == Outcome.UNUSABLE:
            report.unusable += 1
        elif record.outcome == Outcome.FAILED:
            report.failed += 1
        else:
            report.processed += 1
    db.session.flush()
    return report


def _canonical(event: object) -> bytes:
    """The event's JSON in one spelling, whatever order SendGrid wrote its keys in."""
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode()


# Other features' rows named in custom_args (an update's deliveries): they register here.
EVENT_HANDLERS: list[Callable[[Fields], None]] = []


def handles_events(handler: Callable[[Fields], None]) -> Callable[[Fields], None]:
    """Register a function that also sees every new (not repeated) SendGrid event."""
    EVENT_HANDLERS.append(handler)
    return handler


def apply_event(raw: object) -> None:
    """What one event means for our addresses, subscribers and outbox rows."""
    event = Fields(raw, "event")
    for handler in EVENT_HANDLERS:
        handler(event)
    name = event_name(event)
    if name == "bounce" and soft_bounce(event):
        # "blocked": a full mailbox, a temporary block; the address stays.
        message = _outbound_for(event)
        if message is not None:
            message.last_error = _provider_note("blocked", event)
        return
    if name in SUPPRESSING_EVENTS:
        reason, subscriber_status = SUPPRESSING_EVENTS[name]
        email = _address(event)
        if email:
            suppress(email, reason, _detail(name, event))
            mark_subscriber(email, subscriber_status, _event_time(event))
        message = _outbound_for(event)
        if message is not None and name in ("bounce", "dropped"):
            message.status = MessageStatus.BOUNCED
            message.last_error = _provider_note(name, event)
        return
    if name not in ("delivered", "deferred"):
        return  # an event we do not act on (open, click, processed …): recorded only
    message = _outbound_for(event)
    if message is None:
        return
    if name == "delivered" and message.status != MessageStatus.BOUNCED:
        message.status = MessageStatus.DELIVERED
    elif name == "deferred" and message.status not in (
        MessageStatus.DELIVERED,
        MessageStatus.BOUNCED,
    ):
        message.status = MessageStatus.DEFERRED
        message.last_error = _provider_note("deferred", event)


def event_name(event: Fields) -> str:
    """The event's kind ("bounce", "delivered" …); empty when it has none."""
    return event.text("event", MAX_EVENT_TYPE_LENGTH) or ""


def soft_bounce(event: Fields) -> bool:
    """A bounce that is only "blocked" (a full mailbox, a temporary block), not a bad address."""
    return event.text("type", BOUNCE_TYPE_LENGTH) != "bounce"


def suppress(email: str, reason: SuppressionReason, detail: str) -> Suppression:
    """Add the address to the suppression list, keeping the strongest reason it has had."""
    existing = db.session.scalar(select(Suppression).where(Suppression.email == email))
    if existing is None:
        suppression = Suppression(email=email, reason=reason, detail=detail)
        try:
            with db.session.begin_nested():
                db.session.add(suppression)
            return suppression
        except IntegrityError:  # another request suppressed it a moment ago
            existing = db.session.scalar(select(Suppression).where(Suppression.email == email))
    if SUPPRESSION_STRENGTH[reason] > SUPPRESSION_STRENGTH.get(existing.reason, 0):
        existing.reason = reason
        existing.detail = detail
    return existing


def mark_subscriber(email: str, status: SubscriberStatus, when: datetime) -> None:
    """Move a subscriber with this address out of the audience, never to a weaker status."""
    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == email))
    if subscriber is None:
        return
    if SUBSCRIBER_STRENGTH[status] <= SUBSCRIBER_STRENGTH.get(subscriber.status, 0):
        return
    subscriber.status = status
    if status in LEFT_BY_CHOICE and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = when


def _address(event: Fields) -> str | None:
    """The event's address, normalised; one too long for our columns makes it unusable."""
    email = normalise_email(event.text("email", MAX_EMAIL_LENGTH) or "")
    return email or None


def _outbound_for(event: Fields) -> OutboundEmail | None:
    """Our outbox row named by the `outbound_id` custom arg, if the address matches it."""
    message_id = event.our_id("outbound_id", INT32_MAX)
    message = db.session.get(OutboundEmail, message_id) if message_id else None
    # Ids restart when a database is rebuilt while SendGrid still reports on older mail.
    if message is None:
        return None
    return message if _address(event) == message.to_address else None


def _event_time(event: Fields) -> datetime:
    stamp = event.whole_number("timestamp", INT64_MAX, strict=False)
    if stamp:
        try:
            return datetime.fromtimestamp(stamp, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return utcnow()


def _detail(name: str, event: Fields) -> str:
    parts = [name]
    for key in ("type", "reason", "response", "status"):
        value = event.note(key, DETAIL_LENGTH)
        if value and value not in parts:
            parts.append(value)
    return ": ".join(parts)[:DETAIL_LENGTH]


def _provider_note(name: str, event: Fields) -> str:
    text = event.note("reason", NOTE_LENGTH) or event.note("response", NOTE_LENGTH)
    note = f"SendGrid reported {name}"
    return f"{note}: {text}" if text else f"{note}."
