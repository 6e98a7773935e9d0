"""Subscribers' emails: each returns its template's context.

Neither email repeats the name typed into the form: anyone can type anyone's address, and a
"name" such as "Win a prize at spam.example" must not ride to a stranger in our email.
"""

from flask import current_app

from campaign.content.models import Campaign


def subscribe_confirm(confirm_url: str, campaign: Campaign | None, coming_back: bool) -> dict:
    """Asks the owner of an address to confirm they want updates (double opt-in)."""
    return {
        "confirm_url": confirm_url,
        "campaign_title": campaign.title if campaign else None,
        "valid_days": current_app.config["CONFIRM_TOKEN_DAYS"],
        "coming_back": coming_back,
    }


def already_subscribed() -> dict:
    """Tells a subscriber someone asked to subscribe them again, and that nothing changed."""
    return {}
