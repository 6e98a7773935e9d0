"""A campaign's latest published updates, listed on its hub page."""

from flask import Flask, url_for
from sqlalchemy import select

from campaign.content.hub_sections import HubLink, HubSection
from campaign.content.models import Campaign
from campaign.extensions import db
from campaign.updates.models import Update

HUB_UPDATES = 5


def published_updates(campaign: Campaign, limit: int = HUB_UPDATES) -> list[Update]:
    """The campaign's updates published on the site, newest first."""
    query = (
        select(Update)
        .where(Update.campaign_id == campaign.id, Update.published_at.is_not(None))
        .order_by(Update.published_at.desc(), Update.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def latest_updates(app: Flask, campaign: Campaign) -> HubSection:
    """The "Updates" section: title, date and link of the latest few."""
    links = [
        HubLink(
            title=update.subject,
            url=url_for("updates.update_page", slug=update.slug),
            date=update.published_at,
        )
        for update in published_updates(campaign)
    ]
    return HubSection(key="updates", heading="Updates", links=links)
