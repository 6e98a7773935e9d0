"""Content's blueprints: the public pages (home, campaign hubs, explainers), and the console's
campaigns and explainers under /admin."""

from flask import Blueprint

from campaign.accounts.access import require_organiser

bp = Blueprint("content", __name__)
console_bp = Blueprint("content_console", __name__)
console_bp.before_request(require_organiser)
