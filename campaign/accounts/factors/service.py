"""Adding, removing and resetting second factors, each change in the audit trail; views call
these and commit. The recovery codes made here are returned to be shown once."""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from campaign.accounts.factors import factors_of, recovery, totp
from campaign.accounts.factors.emails import factors_reset
from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.models import User, new_session_token
from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.compose import queue_email

# An app added but not confirmed by a code is forgotten after this long.
SETUP_HOURS = 1


class FactorError(ValueError):
    """A change to second factors that cannot be made; the message is for the organiser."""


def start_totp(user: User) -> SecondFactor:
    """A new authenticator app waiting for its first code; any other waiting one is dropped."""
    _drop_unconfirmed(user)
    return totp.new_factor(user)


def unconfirmed_totp(user: User, factor_id: int) -> SecondFactor | None:
    """The user's own app still being set up, if it is recent enough to finish."""
    factor = db.session.get(SecondFactor, factor_id)
    if factor is None or factor.user_id != user.id or factor.kind != totp.KIND:
        return None
    if factor.confirmed or factor.created_at < utcnow() - timedelta(hours=SETUP_HOURS):
        return None
    return factor


def confirm_totp(factor: SecondFactor, code: str, name: str | None = None) -> list[str] | None:
    """Make the app count once it shows a right code; None if the code is wrong.

    Returns the new recovery codes when the organiser had none left (their first factor, or
    all used), else an empty list. The confirming code cannot be used again to sign in.
    """
    at = utcnow()
    if not totp.check_code(factor, "".join(code.split()), at):
        return None
    factor.confirmed_at = at
    factor.name = (name or "").strip()
    user = factor.user
    record("second factor added", object_kind="user", object_id=user.id, detail=factor.kind)
    codes = recovery.replace_codes(user) if recovery.codes_left(user) == 0 else []
    db.session.flush()
    return codes


def own_factor(user: User, factor_id: int) -> SecondFactor | None:
    factor = db.session.get(SecondFactor, factor_id)
    if factor is None or factor.user_id != user.id or not factor.confirmed:
        return None
    return factor


def remove_factor(factor: SecondFactor, *, required: bool) -> None:
    """Remove one of the organiser's factors; the last one goes only when none is `required`,
    and takes the recovery codes with it (they would open an account without a factor)."""
    user, kind = factor.user, factor.kind
    last = len(factors_of(user)) == 1
    if last and required:
        raise FactorError(
            _("Every organiser needs a second factor here: add another before removing this one.")
        )
    db.session.delete(factor)
    if last:
        recovery.remove_codes(user)
    record("second factor removed", object_kind="user", object_id=user.id, detail=kind)
    db.session.flush()


def regenerate_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes, the old ones ending now; only with a second factor to back up."""
    if not factors_of(user):
        raise FactorError(_("Add a second factor first: recovery codes stand behind one."))
    codes = recovery.replace_codes(user)
    record("recovery codes regenerated", object_kind="user", object_id=user.id, rows=len(codes))
    return codes


def reset_factors(user: User, by: User) -> int:
    """An admin's reset for an organiser who lost their device: every factor and recovery
    code goes, every session of theirs ends, and an email tells them. Returns how many went."""
    if user.id == by.id:
        raise FactorError(_("Change your own second factors on the Security page instead."))
    factors = list(db.session.scalars(select(SecondFactor).where(SecondFactor.user_id == user.id)))
    if not any(factor.confirmed for factor in factors):
        raise FactorError(_("This account has no second factor to reset."))
    removed = sum(factor.confirmed for factor in factors)
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    recovery.remove_codes(user)
    user.session_token = new_session_token()
    record("second factor reset", object_kind="user", object_id=user.id, rows=removed)
    queue_email("second_factors_reset", user.email, factors_reset(user, by))
    db.session.flush()
    return removed


def _drop_unconfirmed(user: User) -> None:
    db.session.execute(
        delete(SecondFactor).where(
            SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_(None)
        )
    )
