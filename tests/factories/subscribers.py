"""Builders and readers for the subscriber tests: rows, outbox messages, links in them."""

import itertools
import re

from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from campaign.subscribers.models import Subscriber, SubscriberStatus
from tests.factories import flushed

SITE = "http://campaign.test"
_numbers = itertools.count(1)


def make_subscriber(status: str = SubscriberStatus.ACTIVE, **fields) -> Subscriber:
    """A subscriber in any state, with a consent record; flushed."""
    now = utcnow()
    values = {
        "email": f"reader{next(_numbers)}@example.org",
        "name": "A Reader",
        "status": status,
        "consent_source": "subscribe-form",
        "consent_text": "Send me email updates.",
        "consent_at": now,
        "confirmed_at": now if status == SubscriberStatus.ACTIVE else None,
    } | fields
    return flushed(Subscriber(**values))


def find_subscriber(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.email == email))


def outbox(to: str) -> list[OutboundEmail]:
    """Every message queued for an address, oldest first."""
    query = select(OutboundEmail).where(OutboundEmail.to_address == to).order_by(OutboundEmail.id)
    return list(db.session.scalars(query))


def link(text: str, path: str) -> str:
    """The one absolute link to `path`… in a message body; fails when there is none."""
    found = set(re.findall(re.escape(SITE + path) + r"[^\s\"<>]+", text))
    assert len(found) == 1, f"expected one link to {path} in:\n{text}"
    return found.pop()


def local(url: str) -> str:
    """The path of one of our absolute links, for the test client."""
    assert url.startswith(SITE + "/"), url
    return url.removeprefix(SITE)
