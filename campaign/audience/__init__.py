"""Subscribers: subscribe with double opt-in, confirm, unsubscribe in one click."""

from flask import Blueprint

bp = Blueprint("audience", __name__)

from campaign.audience import views  # noqa: E402, F401  (routes register on import)
