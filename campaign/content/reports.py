"""What the console reads about content: every campaign and explainer, drafts included."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from campaign.content.models import Campaign, Explainer
from campaign.extensions import db


def campaigns_with_counts() -> list[tuple[Campaign, int]]:
    """Every campaign by title, with how many explainers it holds."""
    counts = (
        select(Explainer.campaign_id, func.count().label("explainers"))
        .group_by(Explainer.campaign_id)
        .subquery()
    )
    query = (
        select(Campaign, func.coalesce(counts.c.explainers, 0))
        .outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .order_by(Campaign.title, Campaign.id)
    )
    return [(campaign, count) for campaign, count in db.session.execute(query)]


def explainers_in_order(campaign: Campaign) -> list[Explainer]:
    """A campaign's explainers, drafts included, in the order the hub shows them."""
    query = (
        select(Explainer)
        .where(Explainer.campaign_id == campaign.id)
        .order_by(Explainer.position, Explainer.id)
    )
    return list(db.session.scalars(query))


def translation_candidates(explainer: Explainer | None) -> list[Explainer]:
    """Originals another explainer could translate (not itself), by campaign and title."""
    # Translations hang off one original (see publishing.set_translation_of), so only
    # originals are offered.
    query = (
        select(Explainer)
        .join(Explainer.campaign)
        .where(Explainer.translation_of_id.is_(None))
        .options(selectinload(Explainer.campaign))
        .order_by(Campaign.title, Explainer.title, Explainer.id)
    )
    if explainer is not None and explainer.id is not None:
        query = query.where(Explainer.id != explainer.id)
    return list(db.session.scalars(query))
