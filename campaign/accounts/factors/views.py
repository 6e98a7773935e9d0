"""The second step of signing in: a code, or another kind's own step, after the password."""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from campaign.accounts.access import login_limit
from campaign.accounts.blueprint import bp
from campaign.accounts.factors import (
    BY_RECOVERY_CODE,
    check_code,
    factors_of,
    kind_of,
    recovery,
    signin,
    takes_codes,
)
from campaign.accounts.factors.forms import RecoveryCodeOnlyForm, SecondStepForm
from campaign.extensions import db, limiter
from campaign.privacy import client_key


def pending_account_key() -> str:
    """Rate limits of the second step count per account too, not only per client address."""
    waiting = session.get(signin.PENDING)
    account = waiting.get("id") if isinstance(waiting, dict) else None
    return f"organiser:{account}" if isinstance(account, int) else client_key()


def signed_in_account_key() -> str:
    if current_user.is_authenticated:
        return f"organiser:{current_user.id}"
    return client_key()


def code_form_for(user) -> SecondStepForm | RecoveryCodeOnlyForm:
    """The code box the user can answer: their app's code, or else a recovery code."""
    return SecondStepForm() if takes_codes(user) else RecoveryCodeOnlyForm()


def sign_in_templates(user) -> list[str]:
    """The fragments of the user's kinds that start a step of their own (passkeys)."""
    templates = []
    for factor in factors_of(user):
        kind = kind_of(factor)
        if kind and kind.sign_in_template and kind.sign_in_template not in templates:
            templates.append(kind.sign_in_template)
    return templates


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=pending_account_key)
def login_code():
    """After the right password: the second factor, and only then is the organiser signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    user = signin.pending_user()
    if user is None:
        signin.abandon()
        flash(_("That sign-in was not finished in time. Please start again."), "info")
        return redirect(url_for("accounts.login"))
    form = code_form_for(user)
    if form.validate_on_submit():
        by = check_code(user, form.code.data)
        if by is None:
            signin.failed(user, "second factor")
            db.session.commit()
            form.code.errors.append(
                _("That code is not right, or it was used already. Type the one shown now.")
            )
            form.code.data = ""
        else:
            target = signin.pending_target()
            signin.finish(user, by=f"password and {by}")
            db.session.commit()
            if by == BY_RECOVERY_CODE:
                _flash_codes_left(recovery.codes_left(user))
            return redirect(signin.next_page(user, target))
    status = 400 if form.errors else 200
    page = render_template(
        "accounts/login_code.html", form=form, sign_in_templates=sign_in_templates(user)
    )
    return page, status


def _flash_codes_left(left: int) -> None:
    if left == 0:
        flash(
            _("You used your last recovery code. Make new ones on the Security page now."), "error"
        )
    else:
        flash(
            ngettext(
                "You signed in with a recovery code; %(num)d is left. If your device is lost, "
                "set up a new one on the Security page.",
                "You signed in with a recovery code; %(num)d are left. If your device is lost, "
                "set up a new one on the Security page.",
                left,
            ),
            "info",
        )
