"""The console's front page's blueprint, under /admin: it needs a signed-in organiser."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("admin", __name__)
bp.before_request(require_organiser)
