"""Subscribers' blueprints: the public pages, and the console's under /admin/subscribers."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("audience", __name__)
console_bp = Blueprint("audience_console", __name__)
console_bp.before_request(require_organiser)
