"""SendGrid's events, each applied exactly once as the MailEvent of ours it reports.

Each event is recorded in `webhook_events` by its `sg_event_id` (or, without a usable one, by a
digest of its JSON), so a repeated delivery changes nothing. Each event of a batch is applied
in its own savepoint and read through `Fields`: one that is not an object, or whose address,
type or name is of the wrong shape or too long for our columns, is recorded as unusable and the
others are applied. Our ids in custom_args (`outbound_id`, an update's `delivery_id`) that are
not numbers of ours name no row. Events we do not act on (open, click, processed …) are
recorded only.
"""

import functools
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app

from campaign.addresses import MAX_EMAIL_LENGTH, normalise_email
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.events import MailEvent, MailEventKind
from campaign.mailer.sendgrid.webhook import verified_events
from campaign.mailer.suppression import apply_mail_event
from campaign.webhooks.dedupe import MAX_EVENT_TYPE_LENGTH, apply_once, identify
from campaign.webhooks.fields import INT32_MAX, INT64_MAX, Fields
from campaign.webhooks.models import Outcome

PROVIDER = "sendgrid"
BOUNCE_TYPE_LENGTH = 40  # "bounce" or "blocked"
NOTE_LENGTH = 500  # of a mail server's reply kept on an outbox row
DETAIL_LENGTH = 1000  # of what a suppression says about its cause

KINDS = {
    "delivered": MailEventKind.DELIVERED,
    "deferred": MailEventKind.DEFERRED,
    "bounce": MailEventKind.BOUNCED,  # or BLOCKED: see mail_event()
    "dropped": MailEventKind.DROPPED,
    "spamreport": MailEventKind.SPAM_REPORT,
    "unsubscribe": MailEventKind.UNSUBSCRIBED,
    "group_unsubscribe": MailEventKind.UNSUBSCRIBED,
}


@dataclass
class EventReport:
    processed: int = 0
    duplicates: int = 0
    unusable: int = 0
    failed: int = 0


def receive(body: bytes, signature: str | None, timestamp: str | None) -> EventReport:
    """Check one delivery of SendGrid's webhook, apply each of its events once, and commit.

    A webhook's receipt commits itself, as Stripe's does (donations/webhook.py), and is one of
    the few steps that do. WebhookRefused when the request is not SendGrid's.
    """
    events = verified_events(
        body,
        signature,
        timestamp,
        current_app.config.get("SENDGRID_WEBHOOK_PUBLIC_KEY"),
        current_app.config["SENDGRID_WEBHOOK_MAX_AGE_SECONDS"],
    )
    report = apply_events(events)
    db.session.commit()
    return report


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


def apply_event(raw: object) -> None:
    """Apply one SendGrid event, if it reports something we act on."""
    event = mail_event(Fields(raw, "event"))
    if event is not None:
        apply_mail_event(event)


def mail_event(event: Fields) -> MailEvent | None:
    """The MailEvent a SendGrid event reports; None for one we do not act on."""
    name = event.text("event", MAX_EVENT_TYPE_LENGTH) or ""
    kind = KINDS.get(name)
    if kind is None:
        return None
    if kind == MailEventKind.BOUNCED and event.text("type", BOUNCE_TYPE_LENGTH) != "bounce":
        # "blocked": a full mailbox, a temporary block; the address stays.
        kind, name = MailEventKind.BLOCKED, "blocked"
    return MailEvent(
        kind=kind,
        email=_address(event),
        occurred_at=_event_time(event),
        outbound_id=event.our_id("outbound_id", INT32_MAX),
        delivery_id=event.our_id("delivery_id", INT64_MAX),  # deliveries.id is a BigInteger
        detail=_detail(name, event),
        note=_note(name, event),
    )


def _address(event: Fields) -> str | None:
    """The event's address, normalised; one too long for our columns makes it unusable."""
    email = normalise_email(event.text("email", MAX_EMAIL_LENGTH) or "")
    return email or None


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


def _note(name: str, event: Fields) -> str:
    text = event.note("reason", NOTE_LENGTH) or event.note("response", NOTE_LENGTH)
    note = f"SendGrid reported {name}"
    return f"{note}: {text}" if text else f"{note}."
