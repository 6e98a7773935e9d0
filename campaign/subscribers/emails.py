"""Subscribers' emails: each returns its template's context.

Neither email repeats the name typed into the form: anyone can type anyone's address, and a
"name" such as "Win a prize at spam.example" must not ride to a stranger in our email.
"""

from flask import current_app

from campaign.content.models import Campaign
from campaign.i18n.translating import in_page_language


def subscribe_confirm(
    confirm_url: str, campaign: Campaign | None, coming_back: bool, language: str
) -> dict:
    """Asks the owner of an address to confirm they want updates (double opt-in), naming the
    campaign as it is written in the email's `language` where an organiser translated it."""
    words = in_page_language(campaign, language) if campaign else None
    return {
        "confirm_url": confirm_url,
        "campaign_title": words.title if words else None,
        "campaign_language": words.language if words else None,
        "valid_days": current_app.config["CONFIRM_TOKEN_DAYS"],
        "coming_back": coming_back,
    }


def already_subscribed() -> dict:
    """Tells a subscriber someone asked to subscribe them again, and that nothing changed."""
    return {}
