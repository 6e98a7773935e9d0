"""A sign-in in two steps: the password, then a second factor.

Between the two, the session holds only whose password was right and when: nobody is signed
in (no `login_user`) until the second step passes, and a half-finished sign-in expires after
SECOND_STEP_MINUTES. The account is named by its session token, so a password change or a
deactivation in between ends the half-finished sign-in too.
"""

from datetime import timedelta

from flask import session, url_for
from flask_login import login_user
from sqlalchemy import select

from campaign.accounts.factors import must_set_up
from campaign.accounts.models import User
from campaign.accounts.reauth import mark_checked
from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db
from campaign.security import is_local_path

# In the session: {"account": session token, "id": user id (for rate limits), "at": time,
# "next": path}.
PENDING = "second_step"
SECOND_STEP_MINUTES = 5


def begin(user: User, target: str) -> None:
    """The password was right: wait for the second factor, remembering where to go next."""
    session.clear()
    session[PENDING] = {
        "account": user.session_token,
        "id": user.id,
        "at": utcnow().timestamp(),
        "next": target,
    }


def pending_user() -> User | None:
    """The account whose password was given moments ago, or None (none, or too long ago)."""
    waiting = session.get(PENDING)
    if not isinstance(waiting, dict):
        return None
    at, token = waiting.get("at"), waiting.get("account")
    if not isinstance(at, int | float) or not isinstance(token, str):
        return None
    if utcnow().timestamp() - at > timedelta(minutes=SECOND_STEP_MINUTES).total_seconds():
        return None
    return db.session.scalar(select(User).where(User.session_token == token, User.active.is_(True)))


def pending_target() -> str:
    waiting = session.get(PENDING)
    target = waiting.get("next") if isinstance(waiting, dict) else None
    return target if is_local_path(target) else url_for("admin.dashboard")


def abandon() -> None:
    session.pop(PENDING, None)


def finish(user: User, by: str) -> None:
    """Sign `user` in, now that every step passed (`by` names the last one, for the trail)."""
    session.clear()  # a fresh session: nothing from before the sign-in carries over
    login_user(user)
    session.permanent = True
    mark_checked()
    user.last_login_at = utcnow()
    record("sign-in", object_kind="user", object_id=user.id, detail=by, actor=user)
    db.session.flush()


def next_page(user: User, target: str) -> str:
    """Where a signed-in organiser goes: a forced password change first, then the second
    factor REQUIRE_2FA asks for, then where they were going."""
    if user.must_change_password:
        return url_for("accounts.change_password")
    if must_set_up(user):
        return url_for("accounts_console.security")
    return target


def failed(user: User | None, detail: str) -> None:
    """Note a failed sign-in: by nobody signed in, naming at most the account's id."""
    record(
        "sign-in failed",
        object_kind="user" if user is not None else "",
        object_id=user.id if user is not None else None,
        detail=detail,
    )
