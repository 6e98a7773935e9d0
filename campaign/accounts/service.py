"""Signing in and managing organiser accounts; views and commands call these.

The one-time passwords made here are returned to be shown once and are never stored in clear.
"""

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from campaign.accounts.models import Role, User, new_session_token
from campaign.accounts.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from campaign.addresses import checked_email, normalise_email
from campaign.extensions import db


class AccountError(ValueError):
    """An account change that cannot be made; the message is for the organiser."""


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (taking the same time either way).

    Only the first step: `factors.signin.finish` signs them in once every step has passed.
    """
    user = find_user(email)
    if user is None:
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def create_user(
    email: str, password: str, role: str = Role.EDITOR, must_change_password: bool = False
) -> User:
    """Add an organiser account; refuses a taken email or a weak password."""
    email = checked_email(email)
    if role not in set(Role):
        raise AccountError(_("Role must be one of: %(roles)s.", roles=", ".join(Role)))
    if find_user(email) is not None:
        raise AccountError(_("An account with that email address already exists."))
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=role,
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str, must_change: bool = False) -> None:
    """Replace a password and sign the account out everywhere else."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.session_token = new_session_token()
    db.session.flush()


def generate_password() -> str:
    """A one-time password strong enough to type once: 16 characters from a URL-safe alphabet."""
    return secrets.token_urlsafe(12)


def count_active_admins() -> int:
    return db.session.scalar(
        select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    )


def set_role(user: User, role: str) -> None:
    """Change a role; the last active admin cannot lose theirs."""
    if role not in set(Role):
        raise AccountError(_("Role must be one of: %(roles)s.", roles=", ".join(Role)))
    if user.is_admin and role != Role.ADMIN and user.active and count_active_admins() <= 1:
        raise AccountError(_("This is the last admin account; make another admin first."))
    user.role = role
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Deactivate (signing out every session) or reactivate an account."""
    if not active and user.is_admin and user.active and count_active_admins() <= 1:
        raise AccountError(_("This is the last admin account; it cannot be deactivated."))
    user.active = active
    if not active:
        user.session_token = new_session_token()
    db.session.flush()


def invite(email: str, role: str) -> tuple[User, str]:
    """Create an account with a one-time password it must change; return both."""
    password = generate_password()
    user = create_user(email, password, role=role, must_change_password=True)
    return user, password


def reset_password(user: User, by: User) -> str:
    """Give `user` a new one-time password, signing them out everywhere; return it."""
    if user.id == by.id:
        # Their own reset would sign them out mid-task; the Password page asks for the old one.
        raise AccountError(_("Change your own password on the Password page instead."))
    password = generate_password()
    set_password(user, password, must_change=True)
    return password


def change_active(user: User, active: bool, by: User) -> None:
    """Deactivate or reactivate `user`; nobody can deactivate themselves."""
    if not active and user.id == by.id:
        raise AccountError(_("You cannot deactivate your own account."))
    set_active(user, active)
