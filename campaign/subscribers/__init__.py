"""Subscribers: subscribe with double opt-in, confirm, unsubscribe in one click."""

from flask import Blueprint

# Named as before the package was renamed, so its endpoints (audience.subscribe,
# audience.unsubscribe …) stay the ones every url_for already names.
bp = Blueprint("audience", __name__)

from campaign.subscribers import views  # noqa: E402, F401  (routes register on import)
