"""Signatures are kept RETENTION_DAYS after their petition closes, then they go.

The unconfirmed ones (never confirmed, or invalidated as spam) are deleted. The confirmed ones
are anonymised: name, address, postcode, comment, IP hash and what the link they came by
carried are cleared; country, status and dates stay. The tally's counters are not touched, so
the petition's count and its countries read exactly as before. The console warns WARN_DAYS
before, while the delivery CSV can still be taken. The sweep runs this (`retention_sweep`);
each petition is done in one transaction with its audit entry, and a second run, in this
process or another, finds nothing left to do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import String, and_, cast, delete, exists, literal, or_, select, update

from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.counting import lock_petition, tally_petition
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)

# The petition's console page warns this long before its signatures go.
WARN_DAYS = 7
# The console's front page lists the petitions whose signatures go this soon.
SOON_DAYS = 14
# An anonymised signature's address: unique in its petition (the constraint needs one), and
# never an address anyone could have.
ANONYMISED_EMAIL = "anonymised:"

_CONFIRMED = Signature.status == SignatureStatus.CONFIRMED
_ANONYMISED = Signature.email.startswith(ANONYMISED_EMAIL, autoescape=True)
# Everything that could name or single out a signer; the rest (country, status, dates, the
# language and whether they ticked the box) is what counts and reports need.
_CLEARED = {
    "name": "",
    "email": literal(ANONYMISED_EMAIL) + cast(Signature.id, String),
    "postcode": "",
    "comment": "",
    "comment_status": CommentStatus.NONE,
    "show_name": False,
    "consent_text": "",
    "source": "",
    "utm": {},
    "ip_hash": "",
}


@dataclass(frozen=True)
class RetentionRun:
    """What one run did: petitions done, signatures deleted and anonymised."""

    petitions: int = 0
    deleted: int = 0
    anonymised: int = 0


def kept_for() -> timedelta:
    """How long signatures stay after their petition closes (RETENTION_DAYS)."""
    return timedelta(days=current_app.config["RETENTION_DAYS"])


def anonymised_on(petition: Petition, now: datetime | None = None) -> datetime | None:
    """When this petition's signatures go: RETENTION_DAYS after it closed. None while it takes
    signatures, and once they went (until it is reopened and closes again)."""
    closed = petition.closed_since(now)
    if closed is None:
        return None
    done = petition.signatures_anonymised_at
    if done is not None and done >= closed:
        return None
    return closed + kept_for()


def already_anonymised(petition: Petition, now: datetime | None = None) -> datetime | None:
    """When this petition's signatures were anonymised, if they were since it last closed."""
    closed = petition.closed_since(now)
    done = petition.signatures_anonymised_at
    if done is None or closed is None or done < closed:
        return None
    return done


def warning_due(petition: Petition, now: datetime | None = None) -> datetime | None:
    """The moment the signatures go, when that is WARN_DAYS away or less; else None."""
    when = anonymised_on(petition, now)
    if when is None or (now or utcnow()) < when - timedelta(days=WARN_DAYS):
        return None
    return when


def _closed_by(moment: datetime):
    """Petitions that stopped signing at or before `moment`, one way or the other (a superset:
    `anonymised_on` decides)."""
    by_organiser = and_(Petition.status == PetitionStatus.CLOSED, Petition.closed_at <= moment)
    return or_(by_organiser, Petition.closes_at <= moment)


# Not done since it last closed (a superset again: when either moment is after the last run).
_NOT_DONE = or_(
    Petition.signatures_anonymised_at.is_(None),
    Petition.signatures_anonymised_at < Petition.closed_at,
    Petition.signatures_anonymised_at < Petition.closes_at,
)


def going_within(
    days: int = SOON_DAYS, now: datetime | None = None
) -> list[tuple[Petition, datetime]]:
    """Petitions whose signatures go within `days` (or are due now), soonest first."""
    now = now or utcnow()
    horizon = now + timedelta(days=days)
    candidates = db.session.scalars(
        select(Petition).where(_closed_by(horizon - kept_for()), _NOT_DONE)
    )
    going = [
        (petition, when)
        for petition in candidates
        if (when := anonymised_on(petition, now)) is not None and when <= horizon
    ]
    return sorted(going, key=lambda pair: (pair[1], pair[0].id))


def due_petition_ids(now: datetime | None = None) -> list[int]:
    """The petitions whose signatures should go now."""
    now = now or utcnow()
    return [petition.id for petition, when in going_within(0, now) if when <= now]


def apply_retention(petition_id: int, now: datetime | None = None) -> tuple[int, int]:
    """Delete a due petition's unconfirmed signatures and anonymise its confirmed ones, with an
    audit entry; commits. Returns (deleted, anonymised); (0, 0) when it was not due."""
    now = now or utcnow()
    # Invalidated signatures the tally has not folded out yet still count: fold them out first,
    # so deleting them cannot move the count.
    while tally_petition(petition_id):
        pass
    lock_petition(petition_id)
    petition = db.session.get(Petition, petition_id, populate_existing=True)
    when = anonymised_on(petition, now) if petition is not None else None
    if when is None or when > now:  # done meanwhile by another process, or reopened
        db.session.commit()
        return 0, 0
    mine = Signature.petition_id == petition_id
    deleted = db.session.execute(
        delete(Signature)
        .where(mine, ~_CONFIRMED, Signature.counted.is_(False))
        .execution_options(synchronize_session=False)
    ).rowcount
    anonymised = db.session.execute(
        update(Signature)
        .where(mine, _CONFIRMED, ~_ANONYMISED)
        .values(_CLEARED)
        .execution_options(synchronize_session=False)
    ).rowcount
    # A signature invalidated this very moment still counts: it waits for the next run.
    if not db.session.scalar(select(exists().where(mine, ~_CONFIRMED))):
        petition.signatures_anonymised_at = now
    if deleted or anonymised:
        petition.updated_at = now  # public pages showed names and comments: new validators
        record(
            "anonymise signatures",
            object_kind="petition",
            object_id=petition_id,
            rows=deleted + anonymised,
            detail=(
                f"RETENTION_DAYS={current_app.config['RETENTION_DAYS']}: {deleted} unconfirmed "
                f"deleted, {anonymised} confirmed anonymised"
            ),
            actor=None,
        )
    db.session.commit()
    return deleted, anonymised


def apply_retention_everywhere(now: datetime | None = None) -> RetentionRun:
    """Apply retention to every petition that is due; commits each petition on its own."""
    now = now or utcnow()
    petition_ids = due_petition_ids(now)
    db.session.commit()
    petitions = deleted = anonymised = 0
    for petition_id in petition_ids:
        gone, cleared = apply_retention(petition_id, now)
        if gone or cleared:
            petitions += 1
            deleted += gone
            anonymised += cleared
    return RetentionRun(petitions, deleted, anonymised)


def retention_sweep(app: Flask) -> None:
    """Retention on every sweep (`signals.sweep`): two cheap queries when nothing is due."""
    apply_retention_everywhere()
