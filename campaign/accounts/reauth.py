"""Sensitive actions ask the organiser to prove it is them again, once in a while.

A stolen session cookie (a laptop left open, malware) then opens the console, but not the
export of every signer, the erasure of a supporter or an update to every subscriber. The
check is the strongest the account has: its second factor once it has one, else its password.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import current_app, redirect, request, session, url_for

from campaign.db import utcnow
from campaign.security import is_local_path

CHECKED_AT = "checked_at"  # in the session: when this organiser last proved it was them


def mark_checked() -> None:
    """This organiser has just proved it is them (signing in, or again)."""
    session[CHECKED_AT] = utcnow().timestamp()


def recently_checked() -> bool:
    checked_at = session.get(CHECKED_AT)
    if not isinstance(checked_at, int | float):
        return False
    window = timedelta(minutes=current_app.config["REAUTH_MINUTES"])
    return utcnow().timestamp() - checked_at < window.total_seconds()


def requires_recent_check(view: Callable) -> Callable:
    """Send an organiser whose last check is older than REAUTH_MINUTES to prove it again,
    then back: to this page for a GET, to the page the form was on for a POST (whose data
    is not kept: they press the button again)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if recently_checked():
            return view(*args, **kwargs)
        back = request.full_path.rstrip("?") if request.method == "GET" else _form_page()
        return redirect(url_for("accounts.check_again", next=back))

    return wrapper


def _form_page() -> str:
    referrer = request.referrer or ""
    root = request.host_url.rstrip("/")
    path = referrer[len(root) :] if referrer.startswith(root + "/") else ""
    return path if is_local_path(path) else url_for("admin.dashboard")
