"""The actions a campaign offers at the end of its pages: sign, give, subscribe.

Each feature that offers an action registers a provider; pages show what the providers return,
so a campaign with no petition simply shows no "sign" box.
"""

from collections.abc import Callable
from dataclasses import dataclass

from campaign.content.models import Campaign


@dataclass(frozen=True)
class CallToAction:
    kind: str  # "sign", "give" or "subscribe": also the box's style
    heading: str
    text: str
    url: str
    label: str


Provider = Callable[[Campaign], list[CallToAction]]
_providers: list[Provider] = []


def provides_calls_to_action(provider: Provider) -> Provider:
    """Register a function that lists a campaign's actions of one kind."""
    _providers.append(provider)
    return provider


# Signing first: it asks least of a reader, and it is what campaigns most need in numbers.
KIND_ORDER = {"sign": 0, "give": 1, "subscribe": 2}


def calls_to_action(campaign: Campaign) -> list[CallToAction]:
    """Every action the campaign offers now: sign, then give, then subscribe."""
    actions = [action for provider in _providers for action in provider(campaign)]
    return sorted(actions, key=lambda action: KIND_ORDER.get(action.kind, len(KIND_ORDER)))
