"""What the public petition pages read."""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from campaign import page_cache
from campaign.content.models import Campaign
from campaign.content.queries import PUBLIC_CAMPAIGN
from campaign.db import detached_copy
from campaign.extensions import db
from campaign.i18n.translating import Localised, kind_of
from campaign.petitions.models import (
    CommentStatus,
    Petition,
    PetitionStatus,
    Signature,
    SignatureStatus,
)

# Where an open-ended goal goes once reached: the next step up.
MILESTONES = (
    100,
    250,
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    250_000,
    500_000,
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
)


def public_petition(slug: str) -> Petition | None:
    """An open or closed petition of a public campaign; drafts are None."""
    return db.session.scalar(
        select(Petition)
        .join(Petition.campaign)
        .options(contains_eager(Petition.campaign))
        .where(
            Petition.slug == slug,
            Petition.status != PetitionStatus.DRAFT,
            PUBLIC_CAMPAIGN,
        )
    )


def petition_to_sign(slug: str) -> Petition | None:
    """`public_petition` for the sign and confirm forms, read at most once per
    PAGE_CACHE_SECONDS in each process (a surge posts to one petition thousands of times).

    A read-only copy: closing or unpublishing it takes up to that long to stop new sign-ups,
    and confirming reads the petition's row again, so nothing signed after it closed counts.
    """

    def read() -> Petition | None:
        petition = public_petition(slug)
        if petition is None:
            return None
        return detached_copy(petition, campaign=detached_copy(petition.campaign))

    return page_cache.kept_for_a_moment("petitions_to_sign", slug, read)[0]


def open_petitions(campaign: Campaign) -> list[Petition]:
    """A campaign's petitions that still take signatures."""
    petitions = db.session.scalars(
        select(Petition)
        .where(Petition.campaign_id == campaign.id, Petition.status == PetitionStatus.OPEN)
        .order_by(Petition.created_at)
    )
    return [petition for petition in petitions if not petition.is_closed()]


def displayed_goal(count: int, goal: int) -> int:
    """The goal, or once reached the next milestone above the count."""
    if count < goal:
        return goal
    return next((step for step in MILESTONES if step > count), count * 2)


def recent_public_signers(petition: Petition, limit: int = 10) -> list[Signature]:
    """The latest confirmed signers who chose to show their name."""
    return _latest_confirmed(petition, Signature.show_name.is_(True), limit)


def approved_comments(petition: Petition, limit: int = 10) -> list[Signature]:
    """The latest "why I signed" comments a moderator approved."""
    return _latest_confirmed(petition, Signature.comment_status == CommentStatus.APPROVED, limit)


def _latest_confirmed(petition: Petition, condition, limit: int) -> list[Signature]:
    return list(
        db.session.scalars(
            select(Signature)
            .where(
                Signature.petition_id == petition.id,
                Signature.status == SignatureStatus.CONFIRMED,
                condition,
            )
            .order_by(Signature.confirmed_at.desc())
            .limit(limit)
        )
    )


def field_languages(shown: Localised) -> dict[str, str]:
    """The language each translatable field of a petition is shown in: the translation's where
    it words that field, the petition's own where it leaves the original's words."""
    own = shown.record.campaign.language
    return {
        field.name: shown.language
        if getattr(shown, field.name) != getattr(shown.record, field.name)
        else own
        for field in kind_of(shown.record).fields
    }
