"""Updates' blueprints: the page on the site, and the console's under /admin/updates."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("updates", __name__)
console_bp = Blueprint("updates_console", __name__)
console_bp.before_request(require_organiser)
