"""The console's organiser accounts under /admin/users, for admins only."""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts import reports, service
from campaign.accounts.access import admin_required
from campaign.accounts.blueprint import console_bp as bp
from campaign.accounts.factors import factors_of, kind_of
from campaign.accounts.factors import service as factor_service
from campaign.accounts.forms import NewOrganiserForm, RoleForm
from campaign.accounts.models import User
from campaign.accounts.reauth import requires_recent_check
from campaign.addresses import InvalidEmail
from campaign.extensions import db


@bp.get("/users")
@admin_required
def users():
    return render_template(
        "accounts/console/users.html",
        users=reports.organisers(),
        with_factor=reports.organisers_with_a_second_factor(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
@requires_recent_check
def new_user():
    form = NewOrganiserForm()
    if form.validate_on_submit():
        try:
            user, password = service.invite(form.email.data, form.role.data)
        except (service.AccountError, InvalidEmail) as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            return _one_time_password_page(user, password, new=True)
    status = 400 if form.errors else 200
    return render_template("accounts/console/user_new.html", form=form), status


@bp.get("/users/<int:user_id>")
@admin_required
def user(user_id: int):
    account = db.get_or_404(User, user_id)
    return _user_page(account, RoleForm(data={"role": account.role}))


@bp.post("/users/<int:user_id>/role")
@admin_required
@requires_recent_check
def change_role(user_id: int):
    account = db.get_or_404(User, user_id)
    form = RoleForm()
    if form.validate():
        try:
            service.set_role(account, form.role.data)
        except service.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            if account.is_admin:
                flash(_("%(email)s is now an admin.", email=account.email), "success")
            else:
                flash(_("%(email)s is now an editor.", email=account.email), "success")
            if not current_user.is_admin:  # they demoted themselves: this page is closed now
                return redirect(url_for("admin.dashboard"), 303)
            return redirect(url_for("accounts_console.user", user_id=account.id), 303)
    return _user_page(account, form, status=400)


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
@requires_recent_check
def deactivate_user(user_id: int):
    return _change_active(user_id, active=False)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
@requires_recent_check
def reactivate_user(user_id: int):
    return _change_active(user_id, active=True)


@bp.post("/users/<int:user_id>/password")
@admin_required
@requires_recent_check
def reset_password(user_id: int):
    account = db.get_or_404(User, user_id)
    try:
        password = service.reset_password(account, by=current_user)
    except service.AccountError as error:
        return _user_page(account, RoleForm(data={"role": account.role}), str(error), 400)
    db.session.commit()
    return _one_time_password_page(account, password, new=False)


@bp.post("/users/<int:user_id>/factors/reset")
@admin_required
@requires_recent_check
def reset_factors(user_id: int):
    """For an organiser who lost their device: their second factors go, they are told by email."""
    account = db.get_or_404(User, user_id)
    try:
        factor_service.reset_factors(account, by=current_user)
    except factor_service.FactorError as error:
        return _user_page(account, RoleForm(data={"role": account.role}), str(error), 400)
    db.session.commit()
    flash(
        _(
            "The second factors of %(email)s are removed and they are signed out everywhere; "
            "an email tells them. They set up a new one after their password at the next sign-in.",
            email=account.email,
        ),
        "success",
    )
    return redirect(url_for("accounts_console.user", user_id=account.id), 303)


def _change_active(user_id: int, active: bool):
    account = db.get_or_404(User, user_id)
    try:
        service.change_active(account, active, by=current_user)
    except service.AccountError as error:
        return _user_page(account, RoleForm(data={"role": account.role}), str(error), 400)
    db.session.commit()
    if active:
        flash(_("%(email)s can sign in again.", email=account.email), "success")
    else:
        flash(
            _("%(email)s is deactivated and signed out everywhere.", email=account.email),
            "success",
        )
    return redirect(url_for("accounts_console.user", user_id=account.id), 303)


def _user_page(account: User, role_form: RoleForm, problem: str | None = None, status: int = 200):
    page = render_template(
        "accounts/console/user.html",
        account=account,
        role_form=role_form,
        problem=problem,
        factors=[(factor, kind_of(factor)) for factor in factors_of(account)],
    )
    return page, status


def _one_time_password_page(account: User, password: str, new: bool):
    # Rendered straight from the POST, never redirected: the password must not travel in a
    # URL or the session cookie, and nothing should keep a copy of this page.
    response = make_response(
        render_template(
            "accounts/console/one_time_password.html", account=account, password=password, new=new
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
