"""Organisers' accounts, all with one known password."""

import itertools

import pyotp

from campaign.accounts.factors import recovery, totp
from campaign.accounts.models import Role
from campaign.accounts.service import create_user
from campaign.db import utcnow
from campaign.extensions import db

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(role: str = Role.EDITOR, email: str | None = None, **fields):
    email = email or f"organiser{next(_numbers)}@example.org"
    user = create_user(email, PASSWORD, role=role, **fields)
    return user


def make_authenticator(user, name: str = ""):
    """A confirmed authenticator app for `user`; its `secret` makes codes (pyotp.TOTP)."""
    factor = totp.new_factor(user)
    factor.confirmed_at = utcnow()
    factor.name = name
    db.session.flush()
    return factor


def code_of(factor, seconds_from_now: float = 0) -> str:
    """The code the factor's app shows now (or that many seconds away)."""
    return pyotp.TOTP(factor.secret).at(utcnow().timestamp() + seconds_from_now)


def give_recovery_codes(user) -> list[str]:
    return recovery.replace_codes(user)
