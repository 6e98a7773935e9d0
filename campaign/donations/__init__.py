"""Donations: appeals, Stripe Checkout once or monthly, webhooks as the only truth, receipts."""

from flask import Blueprint

bp = Blueprint("donations", __name__)

from campaign.donations import actions, views  # noqa: E402, F401  (register on import)
