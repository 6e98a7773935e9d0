"""Who an update goes to: a SQL query over subscribers (or, for an outcome told to a
petition's signers, over its signatures), never a list held in Python.

Deliveries are created from it with INSERT … SELECT in chunks of ids, so memory stays flat
whatever the audience size, and running it again adds only who is missing.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, Select, exists, func, literal, select, true

from campaign.db import insert_with_conflicts
from campaign.donations.models import Donation, DonationStatus
from campaign.extensions import db
from campaign.mailer.models import Suppression
from campaign.people.erasing import ERASED_DOMAIN
from campaign.petitions.models import Signature, SignatureStatus
from campaign.petitions.retention import ANONYMISED_EMAIL
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import AudienceKind, Delivery, DeliveryStatus, Update

CHUNK = 20_000

# A signer whose address asked us, in any way, to stop bulk mail: they left our updates,
# bounced, complained, or the provider suppressed the address (its unsubscribe included:
# an outcome's email is bulk mail too).
STOPPED_SUBSCRIBER = (
    SubscriberStatus.UNSUBSCRIBED,
    SubscriberStatus.BOUNCED,
    SubscriberStatus.COMPLAINED,
)


def signer_reachable() -> ColumnElement[bool]:
    """A confirmed signature, with its address, whose signer may be told what happened."""
    return (
        (Signature.status == SignatureStatus.CONFIRMED)
        & Signature.news_stopped_at.is_(None)
        # Retention and erasure leave the row for the count, with no address in it.
        & ~Signature.email.startswith(ANONYMISED_EMAIL, autoescape=True)
        & ~Signature.email.endswith(f"@{ERASED_DOMAIN}", autoescape=True)
        & ~exists().where(Suppression.email == Signature.email)
        & ~exists().where(
            Subscriber.email == Signature.email, Subscriber.status.in_(STOPPED_SUBSCRIBER)
        )
    )


def signer_ids(update: Update) -> Select:
    """The ids of the signatures an outcome's email is for, right now: one per address, as a
    petition holds each address once."""
    return select(Signature.id).where(
        Signature.petition_id == update.audience_petition_id, signer_reachable()
    )


def audience_ids(update: Update) -> Select:
    """The ids of active subscribers the update is for, right now (of signatures, for
    `AudienceKind.SIGNERS`)."""
    if update.audience_kind == AudienceKind.SIGNERS:
        return signer_ids(update)
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
    """Create the missing delivery rows, one committed chunk of ids at a time."""
    if update.audience_kind == AudienceKind.SIGNERS:
        person, column = Signature, "signature_id"
        joined = Signature.confirmed_at
        scope = select(func.min(Signature.id), func.max(Signature.id)).where(
            Signature.petition_id == update.audience_petition_id
        )
    else:
        person, column = Subscriber, "subscriber_id"
        joined = func.coalesce(Subscriber.confirmed_at, Subscriber.created_at)
        scope = select(func.min(Subscriber.id), func.max(Subscriber.id))
    lowest, highest = db.session.execute(scope).one()
    if lowest is None:
        return 0
    before = _delivery_count(update)
    for start in range(lowest, highest + 1, chunk):
        audience = audience_ids(update)
        if joined_before is not None:
            audience = audience.where(joined <= joined_before)
        missing = audience.where(person.id >= start, person.id < start + chunk).where(
            ~exists().where(Delivery.update_id == update.id, getattr(Delivery, column) == person.id)
        )
        # `WHERE true`: SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT.
        rows = select(
            literal(update.id), missing.subquery().c.id, literal(DeliveryStatus.QUEUED.value)
        ).where(true())
        # Two processes may queue one update at once (Send now beside the sweep): the unique
        # pair decides, and the loser skips the rows instead of failing.
        db.session.execute(
            insert_with_conflicts(db.session)(Delivery.__table__)
            .from_select(["update_id", column, "status"], rows)
            .on_conflict_do_nothing(index_elements=["update_id", column])
        )
        db.session.commit()
    # Counted, not summed from rowcount: drivers do not all report it for INSERT … SELECT.
    return _delivery_count(update) - before


def _delivery_count(update: Update) -> int:
    return db.session.scalar(select(func.count()).where(Delivery.update_id == update.id))
