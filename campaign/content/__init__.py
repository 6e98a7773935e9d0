"""Content: campaigns and explainer articles. This blueprint serves the public pages (the home
page, campaign hubs, explainers); the organisers' pages are in console.py."""

from flask import Blueprint

bp = Blueprint("content", __name__)

from campaign.content import views  # noqa: E402, F401  (routes register on import)
