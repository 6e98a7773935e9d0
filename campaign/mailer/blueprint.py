"""The mailer's blueprint: the Outbox console, under /admin/mail."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

console_bp = Blueprint("mailer_console", __name__)
console_bp.before_request(require_organiser)
