"""Public pages: the home page, campaign hubs and explainer articles."""

from flask import Blueprint

bp = Blueprint("content", __name__)

from campaign.content import views  # noqa: E402, F401  (routes register on import)
