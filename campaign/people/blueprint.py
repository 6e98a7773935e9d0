"""People's blueprints: the "Your data" pages a supporter reaches from an email, and the
console's under /admin/people, for admins and the editors they allowed."""

from flask import Blueprint, abort
from flask_login import current_user

from campaign.accounts.access import require_organiser

bp = Blueprint("people", __name__)
console_bp = Blueprint("people_console", __name__)
console_bp.before_request(require_organiser)


@console_bp.before_request
def _require_people_access():
    # After require_organiser: a signed-in organiser, who must also be allowed.
    if not current_user.can_manage_people:
        abort(403)
