"""Organiser accounts. This blueprint signs organisers in and out (`/admin/login`,
`/admin/logout`) and lets them change their own password; admins manage every account from the
pages in console.py."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from campaign.accounts import views  # noqa: E402, F401  (routes register on import)
