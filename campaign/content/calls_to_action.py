"""The actions a campaign offers at the end of its pages: sign, give, subscribe.

Each feature that offers an action connects to `signals.calls_to_action`; pages show what its
receivers return, so a campaign with no petition simply shows no "sign" box. Receivers run
in the request, so their texts and labels are in the page's language (`_()`), while the
heading is the organisers' words.
"""

from dataclasses import dataclass, replace

from flask import current_app

from campaign import signals
from campaign.content.models import Campaign


@dataclass(frozen=True)
class CallToAction:
    kind: str  # "sign", "give" or "subscribe": also the box's style
    heading: str
    text: str
    url: str
    label: str
    # The heading's language: it is the organisers' title of something of the campaign, so
    # the campaign's language unless the receiver knows better.
    language: str | None = None


# Signing first: it asks least of a reader, and it is what campaigns most need in numbers.
KIND_ORDER = {"sign": 0, "give": 1, "subscribe": 2}


def calls_to_action(campaign: Campaign) -> list[CallToAction]:
    """Every action the campaign offers now: sign, then give, then subscribe."""
    offered = signals.calls_to_action.send(current_app._get_current_object(), campaign=campaign)
    actions = [
        action if action.language else replace(action, language=campaign.language)
        for _receiver, actions in offered
        for action in actions
    ]
    return sorted(actions, key=lambda action: KIND_ORDER.get(action.kind, len(KIND_ORDER)))
