"""Authenticator apps: time-based one-time passwords (RFC 6238: six digits, 30 seconds, SHA-1,
what every app understands).

A code is accepted in its own 30-second step or one step either side (a phone's clock drifts,
a person types slowly), and only once: the step of an accepted code is stored, and a code of
that step or an earlier one is refused as a replay.
"""

import hmac
from datetime import datetime

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from campaign.accounts.factors.kinds import FactorKind, register
from campaign.accounts.factors.models import SecondFactor
from campaign.accounts.models import User
from campaign.db import utcnow
from campaign.extensions import db

KIND = "totp"
DIGITS = 6
WINDOW = 1  # steps either side of now


def new_factor(user: User) -> SecondFactor:
    """An unconfirmed authenticator app with a fresh key (160 random bits)."""
    factor = SecondFactor(user_id=user.id, kind=KIND, secret=pyotp.random_base32())
    db.session.add(factor)
    db.session.flush()
    return factor


def _totp(factor: SecondFactor) -> pyotp.TOTP:
    return pyotp.TOTP(factor.secret, digits=DIGITS)


def provisioning_uri(factor: SecondFactor) -> str:
    """The otpauth:// address an app reads from the QR code: the key, the site and the account."""
    return _totp(factor).provisioning_uri(
        name=factor.user.email, issuer_name=current_app.config["SITE_NAME"]
    )


def qr_svg(factor: SecondFactor, title: str) -> Markup:
    """The QR code of the key as inline SVG, drawn here: no other site ever sees the key."""
    code = segno.make(provisioning_uri(factor), error="m")
    svg = code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title)
    return Markup(svg)  # noqa: S704  (segno's own markup; the title is escaped by segno)


def grouped_key(factor: SecondFactor) -> str:
    """The key as people type it into an app: groups of four."""
    secret = factor.secret or ""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(factor: SecondFactor, code: str, at: datetime) -> int | None:
    """The time step, within the window around `at`, whose code this is; None if none."""
    if not (len(code) == DIGITS and code.isascii() and code.isdigit()) or not factor.secret:
        return None
    totp = _totp(factor)
    now = totp.timecode(at)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def take_step(factor: SecondFactor, step: int, at: datetime) -> bool:
    """Mark `step` used, unless it (or a later one) already was; True when this call did.

    One conditional UPDATE, so two requests racing with the same code cannot both win.
    """
    result = db.session.execute(
        update(SecondFactor)
        .where(
            SecondFactor.id == factor.id,
            or_(SecondFactor.last_time_step.is_(None), SecondFactor.last_time_step < step),
        )
        .values(last_time_step=step, last_used_at=at)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(factor, "last_time_step", step)
    set_committed_value(factor, "last_used_at", at)
    return True


def check_code(factor: SecondFactor, code: str, at: datetime | None = None) -> bool:
    """Whether `code` is a fresh code of this app now; an accepted code is used up."""
    at = at or utcnow()
    step = matching_step(factor, code, at)
    return step is not None and take_step(factor, step, at)


register(
    FactorKind(
        key=KIND,
        label=_l("Authenticator app"),
        add_label=_l("Add an authenticator app"),
        rank=20,
        add_endpoint="accounts_console.add_totp",
        setup_endpoints=("accounts_console.add_totp", "accounts_console.confirm_totp"),
        check_code=check_code,
    )
)
