"""Organiser sign-in: `/admin/login`, `/admin/logout` and changing one's own password."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from campaign.accounts import views  # noqa: E402, F401  (routes register on import)
