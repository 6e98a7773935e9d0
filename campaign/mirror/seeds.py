"""Where the crawl starts besides each language's home: every campaign, explainer, petition,
appeal and update the database holds, so an archived campaign's hub or a closed petition that no
page links any more is copied too.

Each is asked for as an anonymous reader would; the app decides what is public, and a draft
simply answers 404 and is left out. The other languages follow from each page's switcher.
"""

from sqlalchemy import select

from campaign.content.models import Campaign, Explainer
from campaign.donations.models import Appeal
from campaign.extensions import db
from campaign.i18n.site import path_in_every_language
from campaign.petitions.models import Petition
from campaign.updates.models import Update

PAGES_BY_SLUG = (
    ("content.campaign_hub", Campaign),
    ("content.explainer", Explainer),
    ("petitions.petition", Petition),
    ("donations.appeal", Appeal),
    ("updates.update_page", Update),
)


def record_pages() -> list[str]:
    """The path, in the default language, of each record's public page (if it has one)."""
    return [
        path_in_every_language(endpoint, slug=slug)
        for endpoint, model in PAGES_BY_SLUG
        for slug in db.session.scalars(select(model.slug).order_by(model.id))
    ]
