from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from campaign.accounts.access import login_limit, require_organiser
from campaign.accounts.blueprint import bp
from campaign.accounts.factors import check_code, has_second_factor, signin
from campaign.accounts.factors.forms import RecoveryCodeOnlyForm, SecondStepForm
from campaign.accounts.factors.views import (
    code_form_for,
    sign_in_templates,
    signed_in_account_key,
)
from campaign.accounts.forms import ChangePasswordForm, CheckAgainForm, LoginForm
from campaign.accounts.models import new_session_token
from campaign.accounts.passwords import verify_password
from campaign.accounts.reauth import mark_checked
from campaign.accounts.service import AccountError, authenticate, find_user, set_password
from campaign.extensions import db, limiter
from campaign.security import is_local_path


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login():
    target = request.args.get("next")
    if not is_local_path(target):
        target = url_for("admin.dashboard")
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            signin.failed(find_user(form.email.data), "password")
            db.session.commit()
            # The same words whether the email exists or not.
            form.password.errors.append(_("That email and password do not match an account."))
        elif has_second_factor(user):
            db.session.commit()  # a rehashed password
            signin.begin(user, target)
            return redirect(url_for("accounts.login_code"))
        else:
            signin.finish(user, by="password")
            db.session.commit()
            return redirect(signin.next_page(user, target))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # A copy of this session's cookie must stop working too, not only this browser's.
        current_user.session_token = new_session_token()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], key_func=signed_in_account_key)
def check_again():
    """Prove it is you again before a sensitive action, then go on to it: with the second
    factor when the account has one, else with the password."""
    refusal = require_organiser()
    if refusal is not None:
        return refusal
    target = request.args.get("next")
    if not is_local_path(target):
        target = url_for("admin.dashboard")
    form = code_form_for(current_user) if has_second_factor(current_user) else CheckAgainForm()
    if form.validate_on_submit():
        if isinstance(form, SecondStepForm | RecoveryCodeOnlyForm):
            if check_code(current_user, form.code.data) is not None:
                db.session.commit()  # the code is used up
                mark_checked()
                return redirect(target)
            form.code.errors.append(_("That code is not right, or it was used already."))
            form.code.data = ""
        elif verify_password(current_user.password_hash, form.password.data):
            mark_checked()
            return redirect(target)
        else:
            form.password.errors.append(_("That is not your password."))
    status = 400 if form.errors else 200
    page = render_template(
        "accounts/check_again.html", form=form, sign_in_templates=sign_in_templates(current_user)
    )
    return page, status


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    refusal = require_organiser()
    if refusal is not None:
        return refusal
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            try:
                set_password(current_user, form.new_password.data)
            except AccountError as error:
                form.new_password.errors.append(str(error))
            else:
                db.session.commit()
                # The session token changed: keep this one signed in (as the user itself, not
                # the proxy, which would then stand for itself).
                user = current_user._get_current_object()
                login_user(user)
                flash(_("Your password is changed."), "success")
                return redirect(signin.next_page(user, url_for("admin.dashboard")))
    status = 400 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status
