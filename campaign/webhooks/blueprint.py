"""The webhooks' blueprint, under /webhooks."""

from flask import Blueprint

from campaign.extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)  # providers sign their requests instead; see each view
