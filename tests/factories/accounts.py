"""Organisers' accounts, all with one known password."""

import itertools

from campaign.accounts.models import Role
from campaign.accounts.service import create_user

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(role: str = Role.EDITOR, email: str | None = None, **fields):
    email = email or f"organiser{next(_numbers)}@example.org"
    user = create_user(email, PASSWORD, role=role, **fields)
    return user
