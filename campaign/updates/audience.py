"""Who an update goes to: a SQL query over subscribers, never a list held in Python.

Deliveries are created from it with INSERT … SELECT in chunks of subscriber ids, so memory
stays flat whatever the audience size, and running it again adds only who is missing.
"""

from datetime import datetime

from sqlalchemy import Select, exists, func, literal, select, true

from campaign.db import insert_with_conflicts
from campaign.donations.models import Donation, DonationStatus
from campaign.extensions import db
from campaign.petitions.models import Signature, SignatureStatus
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import AudienceKind, Delivery, DeliveryStatus, Update

CHUNK = 20_000


def audience_ids(update: Update) -> Select:
    """The ids of active subscribers the update is for, right now."""
    query = select(Subscriber.id).where(Subscriber.status == SubscriberStatus.ACTIVE)
    if update.audience_kind == AudienceKind.CAMPAIGN:
        query = query.where(Subscriber.campaign_id == update.audience_campaign_id)
    elif update.audience_kind == AudienceKind.PETITION:
        query = query.where(
            exists().where(
                Signature.petition_id == update.audience_petition_id,
                Signature.status == SignatureStatus.CONFIRMED,
                Signature.subscribe.is_(True),
                Signature.email == Subscriber.email,
            )
        )
    elif update.audience_kind == AudienceKind.DONORS:
        query = query.where(
            exists().where(
                Donation.donor_email == Subscriber.email,
                Donation.subscribe.is_(True),
                Donation.status == DonationStatus.PAID,
            )
        )
    if update.audience_language:
        query = query.where(Subscriber.language == update.audience_language)
    if update.audience_country:
        # Subscribers tell us no country; the signatures they made do.
        query = query.where(
            exists().where(
                Signature.email == Subscriber.email,
                Signature.country == update.audience_country,
                Signature.status == SignatureStatus.CONFIRMED,
            )
        )
    return query


def audience_size(update: Update) -> int:
    """How many people the update would reach if it were sent now."""
    return db.session.scalar(select(func.count()).select_from(audience_ids(update).subquery()))


def queue_deliveries(
    update: Update, chunk: int = CHUNK, joined_before: datetime | None = None
) -> int:
    """Create the missing delivery rows, one committed chunk of subscriber ids at a time."""
    lowest, highest = db.session.execute(
        select(func.min(Subscriber.id), func.max(Subscriber.id))
    ).one()
    if lowest is None:
        return 0
    before = _delivery_count(update)
    for start in range(lowest, highest + 1, chunk):
        audience = audience_ids(update)
        if joined_before is not None:
            joined = func.coalesce(Subscriber.confirmed_at, Subscriber.created_at)
            audience = audience.where(joined <= joined_before)
        missing = audience.where(Subscriber.id >= start, Subscriber.id < start + chunk).where(
            ~exists().where(
                Delivery.update_id == update.id, Delivery.subscriber_id == Subscriber.id
            )
        )
        # `WHERE true`: SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT.
        rows = select(
            literal(update.id), missing.subquery().c.id, literal(DeliveryStatus.QUEUED.value)
        ).where(true())
        # Two processes may queue one update at once (Send now beside the sweep): the unique
        # pair decides, and the loser skips the rows instead of failing.
        db.session.execute(
            insert_with_conflicts(db.session)(Delivery.__table__)
            .from_select(["update_id", "subscriber_id", "status"], rows)
            .on_conflict_do_nothing(index_elements=["update_id", "subscriber_id"])
        )
        db.session.commit()
    # Counted, not summed from rowcount: drivers do not all report it for INSERT … SELECT.
    return _delivery_count(update) - before


def _delivery_count(update: Update) -> int:
    return db.session.scalar(select(func.count()).where(Delivery.update_id == update.id))
