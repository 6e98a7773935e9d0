"""What organisers do to petitions: close and reopen, moderate comments, remove signatures.

Removing a signature only sets its status to INVALIDATED; the tally folds it out of the
counters (see counting.py), and `signature_count` leaves it out at once. Functions change
rows and flush; the request (or command) commits once at its edge.
"""

from dataclasses import dataclass, fields
from datetime import datetime

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, select, update

from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)

BULK_SAMPLE = 20
# Bulk invalidation acts on signatures that count now or could count once confirmed.
_REMOVABLE = Signature.status.in_([SignatureStatus.CONFIRMED, SignatureStatus.PENDING])


class ModerationError(ValueError):
    """A change that cannot happen as asked; the message is for the organiser."""


class CountChanged(ModerationError):
    """The signatures a bulk filter matches changed since the organiser's preview."""

    def __init__(self, expected: int, found: int) -> None:
        super().__init__(
            _(
                "The number of matching signatures changed from %(expected)s to %(found)s since "
                "the preview. Check the new preview and confirm again.",
                expected=format_number(expected),
                found=format_number(found),
            )
        )
        self.expected = expected
        self.found = found


class NeedsClosingDate(ModerationError):
    """Reopening needs a new closing date: the old one has passed."""


def close_petition(petition: Petition, now: datetime | None = None) -> None:
    """Stop an open petition taking signatures."""
    if petition.status == PetitionStatus.DRAFT:
        raise ModerationError(_("A draft is not open, so there is nothing to close."))
    if petition.status == PetitionStatus.CLOSED:
        raise ModerationError(_("This petition is already closed."))
    petition.status = PetitionStatus.CLOSED
    petition.closed_at = now or utcnow()
    db.session.flush()


def reopen_petition(
    petition: Petition, closes_at: datetime | None = None, now: datetime | None = None
) -> None:
    """Let a closed petition take signatures again, with a new closing date if the old passed."""
    now = now or utcnow()
    if petition.status == PetitionStatus.DRAFT:
        raise ModerationError(_("A draft is not open yet; open it from its edit page."))
    if not petition.is_closed(now):
        raise ModerationError(_("This petition is open already."))
    if closes_at is None and petition.closes_at is not None and petition.closes_at <= now:
        raise NeedsClosingDate(
            _("Its closing date has passed: choose a new closing date to reopen the petition.")
        )
    if closes_at is not None:
        petition.closes_at = closes_at
    petition.status = PetitionStatus.OPEN
    petition.closed_at = None
    db.session.flush()


def moderate_comment(signature: Signature, approve: bool) -> None:
    """Approve or reject a signer's comment; the public page changes, so its ETag must too."""
    if not signature.comment or signature.status != SignatureStatus.CONFIRMED:
        raise ModerationError(_("This signature has no comment waiting for moderation."))
    signature.comment_status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    # The page's validator includes the petition's updated_at; a comment alone would not move it.
    signature.petition.updated_at = utcnow()
    db.session.flush()


def invalidate_signature(signature: Signature, now: datetime | None = None) -> bool:
    """Remove one signature from the count; False if it already was."""
    if signature.status == SignatureStatus.INVALIDATED:
        return False
    signature.status = SignatureStatus.INVALIDATED
    signature.invalidated_at = now or utcnow()
    db.session.flush()
    return True


@dataclass(frozen=True)
class BulkFilter:
    """What a bulk invalidation matches; every given part must match."""

    ip_hash: str = ""
    email_domain: str = ""  # "spam.example" matches "…@spam.example"
    created_from: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    source: str = ""

    def is_empty(self) -> bool:
        """True when no part is given: a filter must never match a whole petition by accident."""
        return not any(getattr(self, each.name) for each in fields(self))

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses for the parts that are given."""
        conditions = []
        if self.ip_hash:
            conditions.append(Signature.ip_hash == self.ip_hash)
        if self.email_domain:
            conditions.append(Signature.email.endswith("@" + self.email_domain, autoescape=True))
        if self.created_from:
            conditions.append(Signature.created_at >= self.created_from)
        if self.created_before:
            conditions.append(Signature.created_at < self.created_before)
        if self.source:
            conditions.append(Signature.source == self.source)
        return conditions


@dataclass(frozen=True)
class BulkPreview:
    confirmed: int
    pending: int
    sample: list[Signature]

    @property
    def total(self) -> int:
        return self.confirmed + self.pending


def _matching(petition: Petition, bulk: BulkFilter) -> Select:
    if bulk.is_empty():
        raise ModerationError(_("Give at least one filter."))
    return select(Signature).where(
        Signature.petition_id == petition.id, _REMOVABLE, *bulk.conditions()
    )


def preview_invalidation(petition: Petition, bulk: BulkFilter) -> BulkPreview:
    """How many confirmed and pending signatures a filter matches, and the first few."""
    query = _matching(petition, bulk)
    counts = dict(
        db.session.execute(
            query.with_only_columns(Signature.status, func.count()).group_by(Signature.status)
        ).all()
    )
    sample = db.session.scalars(
        query.order_by(Signature.created_at, Signature.id).limit(BULK_SAMPLE)
    )
    return BulkPreview(
        confirmed=counts.get(SignatureStatus.CONFIRMED, 0),
        pending=counts.get(SignatureStatus.PENDING, 0),
        sample=list(sample),
    )


def invalidate_matching(
    petition: Petition, bulk: BulkFilter, expected: int, now: datetime | None = None
) -> int:
    """Invalidate what a filter matches, only if that is still `expected` signatures."""
    conditions = _matching(petition, bulk).whereclause
    # Counting first and updating after could act on rows the organiser never saw; the update
    # itself says how many it changed, and a savepoint undoes it when that is not the preview.
    with db.session.begin_nested():
        changed = db.session.execute(
            update(Signature)
            .where(conditions)
            .values(status=SignatureStatus.INVALIDATED, invalidated_at=now or utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != expected:
            raise CountChanged(expected, changed)
    # Signatures already loaded in this session would still show their old status.
    for each in list(db.session.identity_map.values()):
        if isinstance(each, Signature):
            db.session.expire(each)
    return changed
