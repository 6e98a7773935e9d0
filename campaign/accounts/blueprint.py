"""Accounts' blueprints: signing in and out and one's own password, and the console's
organisers page, both under /admin."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("accounts", __name__)
console_bp = Blueprint("accounts_console", __name__)
console_bp.before_request(require_organiser)
