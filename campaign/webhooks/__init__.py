"""Signed callbacks from our providers: SendGrid events (and Stripe, with donations).

The routes live in views.py, which create_app imports: the features whose events arrive here
use dedupe.py and fields.py, and importing those must not import the endpoints that call them.
"""

from flask import Blueprint

from campaign.extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)  # providers sign their requests instead; see each view
