"""Outcomes' blueprints: the signer's "stop emails about this petition" page, and the
console's outcome actions under /admin/petitions."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("outcomes", __name__)
console_bp = Blueprint("outcomes_console", __name__)
console_bp.before_request(require_organiser)
