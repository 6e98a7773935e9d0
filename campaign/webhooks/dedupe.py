"""Each provider event is processed once, however often (or concurrently) it is delivered."""

from sqlalchemy.exc import IntegrityError

from campaign.extensions import db
from campaign.webhooks.models import WebhookEvent


def first_delivery(provider: str, event_id: str, event_type: str) -> bool:
    """Record the event's id; False when it was recorded before (here or by a racing request)."""
    try:
        # A SAVEPOINT, so a duplicate only undoes this insert. On PostgreSQL a concurrent
        # delivery of the same event waits on the unique index, then lands here.
        with db.session.begin_nested():
            db.session.add(
                WebhookEvent(provider=provider, event_id=event_id, event_type=event_type[:80])
            )
    except IntegrityError:
        return False
    return True
