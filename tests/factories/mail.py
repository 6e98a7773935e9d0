"""Outbox rows and a scripted transport for the mail pipeline's tests."""

from datetime import timedelta

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.claims import CLAIM_LEASE
from campaign.mailer.compose import queue_email
from campaign.mailer.emails import transport_check
from campaign.mailer.models import MessageStatus, OutboundEmail

# A dispatcher on another machine: whether it runs, only its lease can tell.
ELSEWHERE = "web-2/0badc0de:4242:feedface"


class ScriptedTransport:
    """A transport that fails as told, then succeeds; it records what it was asked to send."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.sent: list = []

    def send(self, envelope):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(envelope)
        return f"id-{len(self.sent)}"


def make_outbound_email(
    to: str = "reader@example.org", *, unsubscribe_url: str | None = None, **fields
) -> OutboundEmail:
    """A transport check queued to `to` (with an unsubscribe link if given), `fields` set on it."""
    message = queue_email(
        "transport_check", to, transport_check("organiser@example.org"), unsubscribe_url
    )
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.flush()
    return message


def make_claimed_email(
    holder: str, *, lease_left: timedelta = CLAIM_LEASE, handed_over: bool = False, to: str = ""
) -> OutboundEmail:
    """A queued email as `holder` left it: claimed, and perhaps handed to the transport."""
    message = make_outbound_email(to or "reader@example.org")
    now = utcnow()
    message.status = MessageStatus.SENDING
    message.claimed_by = holder
    message.claimed_at = now - timedelta(seconds=5)
    message.lease_expires_at = now + lease_left
    if handed_over:
        message.attempts = 1
        message.handed_over_at = now - timedelta(seconds=4)
    db.session.flush()
    return message
