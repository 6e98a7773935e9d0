"""Builders and readers for the updates console and control tests."""

import itertools
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, select

from campaign.extensions import db
from campaign.updates.models import Delivery, Update
from tests.factories import flushed

_numbers = itertools.count(1)

# What a console preview frame of an email is allowed to do.
PREVIEW_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'self'"
)


def make_update(**fields) -> Update:
    """A draft update to every active subscriber; flushed."""
    number = next(_numbers)
    values = {"slug": f"news-{number}", "subject": f"News {number}", "body": "Read **this**."}
    return flushed(Update(**(values | fields)))


def statuses(update: Update) -> dict[str, int]:
    """The update's deliveries by status (only statuses present)."""
    rows = db.session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.update_id == update.id)
        .group_by(Delivery.status)
    ).all()
    return dict(rows)


def deliveries(update: Update) -> list[Delivery]:
    query = select(Delivery).where(Delivery.update_id == update.id).order_by(Delivery.id)
    return list(db.session.scalars(query))


def emails_in(folder: Path) -> list[EmailMessage]:
    """The .eml files the file transport wrote there, parsed."""
    files = sorted(Path(folder).glob("*.eml"))
    return [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


def form_fields(**changes) -> dict:
    """What a browser posts for a plain draft, with `changes` applied."""
    return {
        "subject": "The cables are out",
        "preheader": "What they show",
        "slug": "cables-out",
        "body": "Read **this**.",
        "campaign": "0",
        "cta_petition": "0",
        "audience_kind": "all",
        "audience_campaign": "0",
        "audience_petition": "0",
        "audience_language": "",
        "audience_country": "",
    } | changes
