"""Signed callbacks from our providers: SendGrid events (and Stripe, with donations)."""

from flask import Blueprint

from campaign.extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)  # providers sign their requests instead; see each view

from campaign.webhooks import views  # noqa: E402, F401  (routes register on import)
