"""Subscribers' blueprints: the public pages, and the console's under /admin/subscribers."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

# Named as before the package was renamed, so their endpoints (audience.subscribe,
# audience_console.subscribers …) stay the ones every url_for already names.
bp = Blueprint("audience", __name__)
console_bp = Blueprint("audience_console", __name__)
console_bp.before_request(require_organiser)
