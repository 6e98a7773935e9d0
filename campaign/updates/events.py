"""What SendGrid reports about an update's emails, recorded on their delivery rows."""

from campaign.extensions import db
from campaign.mailer.events import handles_events
from campaign.updates.models import Delivery

# The event we keep for a delivery: later, stronger news replaces earlier news, never back.
STRENGTH = {
    "deferred": 1,
    "delivered": 2,
    "unsubscribe": 3,
    "group_unsubscribe": 3,
    "bounce": 4,
    "dropped": 4,
    "spamreport": 5,
}


@handles_events
def record_delivery_event(event: dict) -> None:
    """Note delivered / bounced / unsubscribed / complained on the delivery named by our id."""
    name = event.get("event")
    if name not in STRENGTH:
        return
    if name == "bounce" and event.get("type") != "bounce":
        return  # a soft bounce ("blocked")
    try:
        delivery = db.session.get(Delivery, int(event.get("delivery_id")))
    except (TypeError, ValueError):
        return
    if delivery is None:
        return
    if STRENGTH[name] > STRENGTH.get(delivery.event or "", 0):
        delivery.event = "unsubscribe" if name == "group_unsubscribe" else name
    if name in ("unsubscribe", "group_unsubscribe"):
        delivery.unsubscribed = True
