"""What the mail provider reports about an update's emails, recorded on their delivery rows."""

from flask import Flask

from campaign.extensions import db
from campaign.mailer.events import MailEvent, MailEventKind
from campaign.updates.models import Delivery

# The event we keep for a delivery: later, stronger news replaces earlier news, never back.
STRENGTH = {
    MailEventKind.DEFERRED: 1,
    MailEventKind.DELIVERED: 2,
    MailEventKind.UNSUBSCRIBED: 3,
    MailEventKind.BOUNCED: 4,
    MailEventKind.DROPPED: 4,
    MailEventKind.SPAM_REPORT: 5,
}


def record_delivery_event(app: Flask, event: MailEvent) -> None:
    """Note delivered / bounced / unsubscribed / complained on the delivery named by our id."""
    if event.kind not in STRENGTH:
        return  # blocked for now: nothing final about this delivery, and the address stays
    delivery = db.session.get(Delivery, event.delivery_id) if event.delivery_id else None
    if delivery is None:
        return
    if STRENGTH[event.kind] > STRENGTH.get(delivery.event or "", 0):
        delivery.event = event.kind
    if event.kind == MailEventKind.UNSUBSCRIBED:
        delivery.unsubscribed = True
