"""Second factors: what an organiser proves themselves with after the password.

The rest of the app asks only this seam: which factors an organiser has, whether they must
set one up, and whether a typed code proves one. Each kind of factor (`totp.py` now, passkeys
later) registers itself in `kinds.py`; recovery codes (`recovery.py`) stand behind them all.
Changes that are audited or mailed are in `service.py`; the half-finished sign-in is in
`signin.py`.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import exists, select

from campaign.accounts.factors import passkeys, recovery, totp  # noqa: F401  (kinds register)
from campaign.accounts.factors.kinds import all_kinds, kind_of
from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.models import User
from campaign.db import utcnow
from campaign.extensions import db

# How a check was passed, as the audit trail and the sign-in notice name it.
BY_RECOVERY_CODE = "recovery code"


def factors_of(user: User) -> list[SecondFactor]:
    """The user's confirmed second factors, the strongest kind first, then oldest first."""
    found = db.session.scalars(
        select(SecondFactor)
        .where(SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None))
        .order_by(SecondFactor.confirmed_at, SecondFactor.id)
    )
    order = {kind.key: position for position, kind in enumerate(all_kinds())}
    return sorted(found, key=lambda factor: order.get(factor.kind, len(order)))


def has_second_factor(user: User) -> bool:
    return db.session.scalar(
        select(
            exists().where(SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None))
        )
    )


def must_set_up(user: User) -> bool:
    """Whether REQUIRE_2FA holds this organiser on the Security page until they add a factor."""
    return current_app.config["REQUIRE_2FA"] and not has_second_factor(user)


def takes_codes(user: User) -> bool:
    """Whether one of the user's factors proves itself by a typed code."""
    return any(_checks_codes(factor) for factor in factors_of(user))


def check_code(user: User, code: str, at: datetime | None = None) -> str | None:
    """How `code` proves it is this user (a kind's key, or BY_RECOVERY_CODE), or None.

    A code that passes is used up: the same code never passes twice.
    """
    at = at or utcnow()
    code = "".join(code.split())
    for factor in factors_of(user):
        kind = kind_of(factor)
        if _checks_codes(factor) and kind.check_code(factor, code, at):
            return kind.key
    if recovery.use_code(user, code, at):
        return BY_RECOVERY_CODE
    return None


def _checks_codes(factor: SecondFactor) -> bool:
    kind = kind_of(factor)
    return kind is not None and kind.check_code is not None
