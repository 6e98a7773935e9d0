"""The audit trail's console blueprint, under /admin/audit: for signed-in admins only."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

console_bp = Blueprint("audit_console", __name__)
console_bp.before_request(require_organiser)
