from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from campaign.accounts.access import require_organiser
from campaign.accounts.blueprint import bp
from campaign.accounts.forms import ChangePasswordForm, CheckAgainForm, LoginForm
from campaign.accounts.models import new_session_token
from campaign.accounts.passwords import verify_password
from campaign.accounts.reauth import mark_checked
from campaign.accounts.service import AccountError, authenticate, set_password
from campaign.audit.trail import record
from campaign.extensions import db, limiter
from campaign.security import is_local_path


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
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
            # The same words whether the email exists or not.
            form.password.errors.append(_("That email and password do not match an account."))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session.permanent = True
            mark_checked()
            if user.must_change_password:
                return redirect(url_for("accounts.change_password"))
            return redirect(target)
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
@limiter.limit(_login_limit, methods=["POST"])
def check_again():
    """Prove it is you again before a sensitive action, then go on to it."""
    refusal = require_organiser()
    if refusal is not None:
        return refusal
    target = request.args.get("next")
    if not is_local_path(target):
        target = url_for("admin.dashboard")
    form = CheckAgainForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data):
            mark_checked()
            return redirect(target)
        form.password.errors.append(_("That is not your password."))
    status = 400 if form.errors else 200
    return render_template("accounts/check_again.html", form=form), status


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
                record("change password", object_kind="user", object_id=current_user.id)
                db.session.commit()
                login_user(current_user)  # the session token changed: keep this one signed in
                flash(_("Your password is changed."), "success")
                return redirect(url_for("admin.dashboard"))
    status = 400 if form.errors else 200
    return render_template("accounts/change_password.html", form=form), status
