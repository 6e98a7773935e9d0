"""Lists a campaign's hub page shows beside its explainers (the latest updates, say).

Each feature that has something to list connects to `signals.hub_section`, as with calls to
action, so content never imports the features that fill its pages; an empty list shows no
section. A heading is the site's words, in the page's language; link titles are the
organisers', in the campaign's.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app

from campaign import signals
from campaign.content.models import Campaign


@dataclass(frozen=True)
class HubLink:
    title: str
    url: str
    date: datetime | None = None
    # The title's language where it is not the campaign's (a translated update's subject).
    language: str | None = None


@dataclass(frozen=True)
class HubSection:
    key: str  # names the section in the page (its id and class)
    heading: str
    links: list[HubLink] = field(default_factory=list)


def hub_sections(campaign: Campaign) -> list[HubSection]:
    """The campaign's sections that have something to show, by key: the same on every page."""
    offered = signals.hub_section.send(current_app._get_current_object(), campaign=campaign)
    sections = sorted((section for _receiver, section in offered), key=lambda s: s.key)
    return [section for section in sections if section.links]
