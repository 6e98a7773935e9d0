"""Petitions: sign with double opt-in, count, moderate, deliver."""

from flask import Blueprint

bp = Blueprint("petitions", __name__)

from campaign.petitions import actions, views  # noqa: E402, F401  (register on import)
