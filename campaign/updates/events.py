"""What SendGrid reports about an update's emails, recorded on their delivery rows."""

from campaign.extensions import db
from campaign.mailer.events import event_name, handles_events, soft_bounce
from campaign.updates.models import Delivery
from campaign.webhooks.fields import INT64_MAX, Fields

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
def record_delivery_event(event: Fields) -> None:
    """Note delivered / bounced / unsubscribed / complained on the delivery named by our id."""
    name = event_name(event)
    if name not in STRENGTH:
        return
    if name == "bounce" and soft_bounce(event):
        return
    delivery_id = event.our_id("delivery_id", INT64_MAX)  # deliveries.id is a BigInteger
    delivery = db.session.get(Delivery, delivery_id) if delivery_id else None
    if delivery is None:
        return
    if STRENGTH[name] > STRENGTH.get(delivery.event or "", 0):
        delivery.event = "unsubscribe" if name == "group_unsubscribe" else name
    if name in ("unsubscribe", "group_unsubscribe"):
        delivery.unsubscribed = True
