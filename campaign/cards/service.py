"""Which card a shared page gets, and when it is drawn again.

A card is drawn on the first request for it and kept as a file under CARD_DIR. It is drawn
again once content changes after it was drawn, and, for a petition's count and an appeal's
total, once it is older than CARD_MAX_AGE_SECONDS: a surge of shares costs one drawing every
few minutes, not one a share.
"""

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import format_number, get_translations
from flask_babel import gettext as _

from campaign.caching import SiteRevision
from campaign.cards.drawing import Card, draw_card
from campaign.content import queries as content_queries
from campaign.donations import queries as appeal_queries
from campaign.donations.money import format_money
from campaign.extensions import db
from campaign.i18n.languages import text_direction
from campaign.i18n.site import current_language
from campaign.i18n.translating import in_page_language, in_page_language_all
from campaign.petitions import queries as petition_queries
from campaign.petitions.counting import signature_count
from campaign.updates.hub import published_update

KINDS = ("campaign", "explainer", "petition", "appeal", "update")


@dataclass
class Drawn:
    path: Path
    live: bool  # shows a figure that moves (a count, a total)


def card_file(kind: str, slug: str) -> Drawn | None:
    """The card of a public page, drawn if it is missing or stale; None for no such page."""
    found = _FINDERS[kind](slug)
    if found is None:
        return None
    record, live, describe = found
    language = current_language()
    name = f"{kind}-{record.id}-{language}.png" if record is not None else f"{kind}-{language}.png"
    path = Path(current_app.config["CARD_DIR"]) / name
    if _stale(path, live):
        _write(path, draw_card(describe()))
    return Drawn(path, live)


def _stale(path: Path, live: bool) -> bool:
    try:
        drawn_at = path.stat().st_mtime
    except FileNotFoundError:
        return True
    if live and time.time() - drawn_at > current_app.config["CARD_MAX_AGE_SECONDS"]:
        return True
    content = db.session.get(SiteRevision, "content")
    return content is not None and content.changed_at.timestamp() > drawn_at


def _write(path: Path, data: bytes) -> None:
    # Whole or not at all: another process may be reading the previous card.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".card-")
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def _counted(singular: str, plural: str, number: int) -> str:
    # The pages' own words for a count, with the number written as the language writes it
    # (Flask-Babel's ngettext would put it in unformatted).
    return get_translations().ngettext(singular, plural, number) % {"num": format_number(number)}


def _card(title: str, kicker: str = "", **figures) -> Card:
    return Card(
        site_name=current_app.config["SITE_NAME"],
        title=title,
        kicker=kicker,
        footer=current_app.config["SITE_URL"].split("://", 1)[-1],
        direction=text_direction(current_language()),
        **figures,
    )


def _campaign(slug: str):
    campaign = content_queries.public_campaign(slug)
    if campaign is None:
        return None
    shown = in_page_language(campaign)
    return (
        campaign,
        False,
        lambda: _card(shown.title, figure=shown.tagline, accent=campaign.accent_colour),
    )


def _explainer(slug: str):
    explainer = content_queries.public_explainer(slug)
    if explainer is None:
        return None
    campaign = in_page_language(explainer.campaign)

    def describe() -> Card:
        minutes = _counted("%(num)s min read", "%(num)s min read", explainer.reading_minutes)
        return _card(explainer.title, campaign.title, figure=minutes, accent=campaign.accent_colour)

    return explainer, False, describe


def _petition(slug: str):
    petition = petition_queries.public_petition(slug)
    if petition is None:
        return None

    def describe() -> Card:
        shown, campaign = in_page_language_all([petition, petition.campaign])
        count = signature_count(petition)
        figure = _counted("%(num)s signature", "%(num)s signatures", count)
        share = count / petition.goal if petition.goal else None
        return _card(
            shown.title, campaign.title, figure=figure, progress=share,
            accent=campaign.accent_colour,
        )  # fmt: skip

    return petition, True, describe


def _appeal(slug: str):
    appeal = appeal_queries.public_appeal(slug)
    if appeal is None:
        return None

    def describe() -> Card:
        shown, campaign = in_page_language_all([appeal, appeal.campaign])
        total = appeal_queries.raised(appeal).amount
        figure = _("%(amount)s raised", amount=format_money(total, appeal.currency))
        share = total / appeal.goal if appeal.goal else None
        return _card(
            shown.title, campaign.title, figure=figure if total else _("Donate"),
            progress=share if total else None, accent=campaign.accent_colour,
        )  # fmt: skip

    return appeal, True, describe


def _update(slug: str):
    update = published_update(slug)
    if update is None:
        return None

    def describe() -> Card:
        version = update.version_for(current_language())
        campaign = in_page_language(update.campaign) if update.campaign else None
        return _card(
            version.subject,
            campaign.title if campaign else "",
            accent=campaign.accent_colour if campaign else None,
        )

    return update, False, describe


def home_card_file() -> Drawn:
    """The home page's card: the site's name and what it offers."""
    return card_file("home", "")


def _home(slug: str):
    return (
        None,
        False,
        lambda: _card(
            current_app.config["SITE_NAME"], figure=_("Campaigns, explainers and ways to act.")
        ),
    )


_FINDERS: dict[str, Callable] = {
    "home": _home,
    "campaign": _campaign,
    "explainer": _explainer,
    "petition": _petition,
    "appeal": _appeal,
    "update": _update,
}
