"""What a mail event means for our addresses, subscribers and outbox rows, whoever reported it.

Bounces, drops, spam reports and unsubscribes put the address on the suppression list and move
a subscriber with that address out of the audience; delivery news moves the outbox row the
event names along. Events arrive out of order and more than once, so none of them weakens what
an earlier one did.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign import signals
from campaign.extensions import db
from campaign.mailer.events import MailEvent, MailEventKind
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression, SuppressionReason
from campaign.subscribers.models import Subscriber, SubscriberStatus

# What each suppressing kind does to the address and to a subscriber with that address.
SUPPRESSING = {
    MailEventKind.BOUNCED: (SuppressionReason.BOUNCE, SubscriberStatus.BOUNCED),
    MailEventKind.DROPPED: (SuppressionReason.DROPPED, SubscriberStatus.BOUNCED),
    MailEventKind.SPAM_REPORT: (SuppressionReason.SPAM_REPORT, SubscriberStatus.COMPLAINED),
    MailEventKind.UNSUBSCRIBED: (SuppressionReason.UNSUBSCRIBE, SubscriberStatus.UNSUBSCRIBED),
}

# A weaker reason never replaces a stronger one.
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


def apply_mail_event(event: MailEvent) -> None:
    """What one event means for our addresses, subscribers and outbox rows, and for the rows of
    the features connected to `signals.mail_event`."""
    signals.mail_event.send(current_app._get_current_object(), event=event)
    if event.kind in SUPPRESSING and event.email:
        reason, subscriber_status = SUPPRESSING[event.kind]
        suppress(event.email, reason, event.detail)
        mark_subscriber(event.email, subscriber_status, event.occurred_at)
    message = _outbound_for(event)
    if message is not None:
        _move_along(message, event)


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


def _outbound_for(event: MailEvent) -> OutboundEmail | None:
    """Our outbox row named by the event, if the address matches it."""
    message = db.session.get(OutboundEmail, event.outbound_id) if event.outbound_id else None
    # Ids restart when a database is rebuilt while the provider still reports on older mail.
    if message is None:
        return None
    return message if event.email == message.to_address else None


def _move_along(message: OutboundEmail, event: MailEvent) -> None:
    """The outbox row after the event: a bounce is final, and delivery outranks a deferral."""
    if event.kind in (MailEventKind.BOUNCED, MailEventKind.DROPPED):
        message.status = MessageStatus.BOUNCED
        message.last_error = event.note
    elif event.kind == MailEventKind.BLOCKED:
        message.last_error = event.note
    elif event.kind == MailEventKind.DELIVERED and message.status != MessageStatus.BOUNCED:
        message.status = MessageStatus.DELIVERED
    elif event.kind == MailEventKind.DEFERRED and message.status not in (
        MessageStatus.DELIVERED,
        MessageStatus.BOUNCED,
    ):
        message.status = MessageStatus.DEFERRED
        message.last_error = event.note
