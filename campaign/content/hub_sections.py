"""Lists a campaign's hub page shows beside its explainers (the latest updates, say).

Each feature that has something to list registers a provider, as with calls to action, so
content never imports the features that fill its pages; an empty list shows no section.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from campaign.content.models import Campaign


@dataclass(frozen=True)
class HubLink:
    title: str
    url: str
    date: datetime | None = None


@dataclass(frozen=True)
class HubSection:
    key: str  # names the section in the page (its id and class)
    heading: str
    links: list[HubLink] = field(default_factory=list)


Provider = Callable[[Campaign], HubSection]
_providers: list[Provider] = []


def provides_hub_section(provider: Provider) -> Provider:
    """Register a function that gives one section of a campaign's hub page."""
    _providers.append(provider)
    return provider


def hub_sections(campaign: Campaign) -> list[HubSection]:
    """The campaign's sections that have something to show, in the providers' order."""
    sections = (provider(campaign) for provider in _providers)
    return [section for section in sections if section.links]
