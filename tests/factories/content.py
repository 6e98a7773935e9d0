"""Campaigns and explainers; each builder flushes and returns what it made."""

import itertools

from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.content.publishing import next_explainer_position
from campaign.db import utcnow
from tests.factories import flushed

_numbers = itertools.count(1)


def make_campaign(**fields) -> Campaign:
    number = next(_numbers)
    values = {
        "slug": f"campaign-{number}",
        "title": f"Campaign {number}",
        "summary": "A campaign for testing.",
        "status": CampaignStatus.LIVE,
    } | fields
    return flushed(Campaign(**values))


def make_explainer(campaign: Campaign | None = None, **fields) -> Explainer:
    campaign = campaign or make_campaign()
    number = next(_numbers)
    values = {
        "campaign": campaign,
        "slug": f"explainer-{number}",
        "title": f"Explainer {number}",
        "summary": "What this explainer is about.",
        "body": "## First part\n\nSome words.",
        "language": campaign.language,
        "status": ExplainerStatus.PUBLISHED,
        "published_at": utcnow(),
        "position": next_explainer_position(campaign),
    } | fields
    return flushed(Explainer(**values))


def campaign_form_fields(**changes) -> dict:
    """What the console's campaign form posts for a new draft, with `changes`."""
    return {
        "slug": "free-the-press",
        "title": "Free the press",
        "summary": "Journalists in prison.",
        "language": "en",
        "status": "draft",
    } | changes
