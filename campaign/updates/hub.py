"""A campaign's latest published updates, listed on its hub page."""

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.content.hub_sections import HubLink, HubSection
from campaign.content.models import Campaign
from campaign.extensions import db
from campaign.i18n.site import current_language
from campaign.updates.models import Update

HUB_UPDATES = 5


def published_updates(campaign: Campaign, limit: int = HUB_UPDATES) -> list[Update]:
    """The campaign's updates published on the site, newest first, translations loaded."""
    query = (
        select(Update)
        .options(selectinload(Update.translations))
        .where(Update.campaign_id == campaign.id, Update.published_at.is_not(None))
        .order_by(Update.published_at.desc(), Update.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def published_update(slug: str) -> Update | None:
    """The update published on the site at `slug`, translations loaded; None for any other."""
    return db.session.scalar(
        select(Update)
        .options(selectinload(Update.translations))
        .where(Update.slug == slug, Update.published_at.is_not(None))
    )


def latest_updates(app: Flask, campaign: Campaign) -> HubSection:
    """The "Updates" section: title (in the page's language's version), date and link of the
    latest few."""
    language = current_language()
    versions = [(update, update.version_for(language)) for update in published_updates(campaign)]
    links = [
        HubLink(
            title=version.subject,
            url=url_for("updates.update_page", slug=update.slug),
            date=update.published_at,
            language=version.language,
        )
        for update, version in versions
    ]
    return HubSection(key="updates", heading=_("Updates"), links=links)
