"""Who may use the console: signed-in, active organisers; some pages for admins only."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user

from campaign.accounts.factors import must_set_up
from campaign.accounts.factors.kinds import setup_endpoints
from campaign.accounts.models import User
from campaign.extensions import db, login_manager
from campaign.i18n.languages import N_

login_manager.login_view = "accounts.login"
# Flask-Login keeps the message as it is and looks it up as it flashes it.
login_manager.login_message = N_("Please sign in to use the console.")
login_manager.localize_callback = gettext
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(
        db.select(User).where(User.session_token == session_token, User.active.is_(True))
    )


# While REQUIRE_2FA holds an organiser without a second factor, these pages and those that set
# up a factor (each kind names its own) are all they can open.
SETTING_UP = frozenset({"accounts_console.security", "accounts.check_again"})


def require_organiser():
    """A `before_request` guard for the console: sign-in, then any forced password change,
    then a second factor where REQUIRE_2FA asks for one."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.must_change_password:
        if request.endpoint != "accounts.change_password":
            return redirect(url_for("accounts.change_password"))
        return None
    if request.endpoint not in SETTING_UP | setup_endpoints() and must_set_up(current_user):
        return redirect(url_for("accounts_console.security"))
    return None


def login_limit() -> str:
    """Sign-in attempts allowed, per client address and per account (LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def admin_required(view: Callable) -> Callable:
    """Limit a console view to admins; editors get a 403 page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
