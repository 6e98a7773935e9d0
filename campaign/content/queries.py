"""What the public side of the site reads: only live campaigns and published explainers."""

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.extensions import db

PUBLIC_CAMPAIGN = Campaign.status.in_([CampaignStatus.LIVE, CampaignStatus.ARCHIVED])


def _published_explainers():
    return (
        select(Explainer)
        .join(Explainer.campaign)
        .options(contains_eager(Explainer.campaign))
        .where(Explainer.status == ExplainerStatus.PUBLISHED, PUBLIC_CAMPAIGN)
    )


def live_campaigns() -> list[Campaign]:
    """Campaigns that are running now, newest first."""
    query = (
        select(Campaign)
        .where(Campaign.status == CampaignStatus.LIVE)
        .order_by(Campaign.created_at.desc())
    )
    return list(db.session.scalars(query))


def latest_explainers(limit: int = 6) -> list[Explainer]:
    """The most recently published explainers across public campaigns."""
    query = _published_explainers().order_by(Explainer.published_at.desc()).limit(limit)
    return list(db.session.scalars(query))


def public_campaign(slug: str) -> Campaign | None:
    """A live or archived campaign by slug; drafts are None."""
    return db.session.scalar(select(Campaign).where(Campaign.slug == slug, PUBLIC_CAMPAIGN))


def campaign_explainers(campaign: Campaign) -> list[Explainer]:
    """A campaign's published explainers in the organisers' order."""
    query = (
        select(Explainer)
        .where(
            Explainer.campaign_id == campaign.id,
            Explainer.status == ExplainerStatus.PUBLISHED,
        )
        .order_by(Explainer.position, Explainer.id)
    )
    return list(db.session.scalars(query))


def public_explainer(slug: str) -> Explainer | None:
    """A published explainer of a public campaign, with its links loaded."""
    query = (
        _published_explainers().where(Explainer.slug == slug).options(selectinload(Explainer.links))
    )
    return db.session.scalar(query)
