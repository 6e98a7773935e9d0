"""The console's translation pages, under /admin/translations."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

console_bp = Blueprint("translations_console", __name__)
console_bp.before_request(require_organiser)
