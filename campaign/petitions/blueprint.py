"""Petitions' blueprints: the public pages, and the console's under /admin/petitions."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("petitions", __name__)
console_bp = Blueprint("petitions_console", __name__)
console_bp.before_request(require_organiser)
