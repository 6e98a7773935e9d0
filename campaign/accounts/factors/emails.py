"""The email an organiser gets about their second factors."""

from campaign.accounts.models import User
from campaign.db import utcnow
from campaign.templating import site_url_for


def factors_reset(user: User, by: User) -> dict:
    """An admin reset this organiser's second factors: who, when, and where to sign in."""
    return {
        "account_email": user.email,
        "admin_email": by.email,
        "reset_at": utcnow(),
        "login_url": site_url_for("accounts.login"),
    }
