"""Donations' blueprints: the public pages, and the console's under /admin/donations."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("donations", __name__)
console_bp = Blueprint("donations_console", __name__)
console_bp.before_request(require_organiser)
