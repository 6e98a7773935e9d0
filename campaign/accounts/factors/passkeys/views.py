"""Passkeys' routes: adding one from the Security page, and using one at the sign-in's second
step and on the check-again page.

Each ceremony takes two requests: `…/options` answers the browser's script with JSON (a fresh
challenge), and the form it then submits carries the key's answer. The challenge is used up by
that second request whatever its outcome, so those requests commit even when they refuse.
"""

from flask import flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts.access import login_limit, require_organiser
from campaign.accounts.blueprint import bp, console_bp
from campaign.accounts.factors import signin
from campaign.accounts.factors.passkeys import KIND, ceremonies
from campaign.accounts.factors.passkeys.forms import (
    NewPasskeyForm,
    PasskeyAnswerForm,
    PasskeyNameForm,
)
from campaign.accounts.factors.views import (
    code_form_for,
    pending_account_key,
    sign_in_templates,
    signed_in_account_key,
)
from campaign.accounts.reauth import mark_checked, requires_recent_check
from campaign.extensions import db, limiter
from campaign.security import is_local_path

# Adding a key: the Security page's button, the page that names it, and its options.


@console_bp.post("/security/passkeys/start")
@requires_recent_check
def start_passkey():
    return redirect(url_for("accounts_console.new_passkey"), 303)


@console_bp.route("/security/passkeys/new", methods=["GET", "POST"])
@requires_recent_check
def new_passkey():
    form = NewPasskeyForm()
    problem = None
    if form.validate_on_submit():
        try:
            factor, codes = ceremonies.add_passkey(
                current_user, form.credential.data, form.name.data
            )
        except ceremonies.PasskeyError as error:
            problem = str(error)
            db.session.commit()  # the challenge is used up
        else:
            db.session.commit()
            if codes:
                return _first_recovery_codes(codes)
            flash(_("Your key “%(name)s” is added.", name=factor.name), "success")
            return redirect(url_for("accounts_console.security"), 303)
    page = render_template(
        "accounts/factors/passkey_new.html",
        form=form,
        problem=problem,
        works_here=ceremonies.works_here(),
        relying_party=ceremonies.relying_party()[0],
    )
    return page, 400 if form.errors or problem else 200


@console_bp.post("/security/passkeys/options")
@requires_recent_check
def passkey_options():
    form = PasskeyNameForm()
    if not form.validate_on_submit():
        reasons = (str(error) for errors in form.errors.values() for error in errors)
        return _json_refusal(" ".join(reasons))
    options = ceremonies.registration_options(current_user)
    db.session.commit()
    return jsonify(options)


def _first_recovery_codes(codes: list[str]):
    # As for a first app: rendered straight from the POST and never stored, shown once.
    response = make_response(
        render_template(
            "accounts/factors/recovery_codes.html", codes=codes, first=True, first_kind=KIND
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# The sign-in's second step.


@bp.post("/login/passkey/options")
@limiter.limit(login_limit)
@limiter.limit(login_limit, key_func=pending_account_key)
def login_passkey_options():
    user = signin.pending_user()
    if user is None:
        return _json_refusal(_("That sign-in was not finished in time. Please start again."))
    if not ceremonies.has_passkey(user):
        return _json_refusal(_("This account has no passkey or security key."))
    options = ceremonies.confirmation_options(user)
    db.session.commit()
    return jsonify(options)


@bp.post("/login/passkey")
@limiter.limit(login_limit)
@limiter.limit(login_limit, key_func=pending_account_key)
def login_passkey():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    user = signin.pending_user()
    if user is None:
        signin.abandon()
        flash(_("That sign-in was not finished in time. Please start again."), "info")
        return redirect(url_for("accounts.login"))
    try:
        ceremonies.confirm(user, PasskeyAnswerForm().credential.data or "")
    except ceremonies.PasskeyError as error:
        signin.failed(user, KIND)
        db.session.commit()
        page = render_template(
            "accounts/login_code.html",
            form=code_form_for(user),
            sign_in_templates=sign_in_templates(user),
            passkey_problem=str(error),
        )
        return page, 400
    target = signin.pending_target()
    signin.finish(user, by=f"password and {KIND}")
    db.session.commit()
    return redirect(signin.next_page(user, target))


# Proving it is you again before a sensitive action.


@bp.post("/check/passkey/options")
@limiter.limit(login_limit)
@limiter.limit(login_limit, key_func=signed_in_account_key)
def check_passkey_options():
    refusal = require_organiser()
    if refusal is not None:
        return refusal
    if not ceremonies.has_passkey(current_user):
        return _json_refusal(_("This account has no passkey or security key."))
    options = ceremonies.confirmation_options(current_user)
    db.session.commit()
    return jsonify(options)


@bp.post("/check/passkey")
@limiter.limit(login_limit)
@limiter.limit(login_limit, key_func=signed_in_account_key)
def check_passkey():
    refusal = require_organiser()
    if refusal is not None:
        return refusal
    target = request.args.get("next")
    if not is_local_path(target):
        target = url_for("admin.dashboard")
    try:
        ceremonies.confirm(current_user, PasskeyAnswerForm().credential.data or "")
    except ceremonies.PasskeyError as error:
        db.session.commit()  # the challenge is used up
        page = render_template(
            "accounts/check_again.html",
            form=code_form_for(current_user),
            sign_in_templates=sign_in_templates(current_user),
            passkey_problem=str(error),
        )
        return page, 400
    db.session.commit()
    mark_checked()
    return redirect(target)


def _json_refusal(reason: str):
    """For the browser's script, which shows `error` beside the button."""
    return jsonify(error=reason), 400
