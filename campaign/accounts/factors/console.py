"""The console's Security page under /admin/security: one's own second factors and recovery
codes. Each change asks for a recent check (REAUTH_MINUTES)."""

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts.blueprint import console_bp as bp
from campaign.accounts.factors import factors_of, kind_of, must_set_up, recovery, service, totp
from campaign.accounts.factors.forms import ConfirmAppForm
from campaign.accounts.factors.kinds import all_kinds
from campaign.accounts.reauth import requires_recent_check
from campaign.extensions import db


@bp.get("/security")
def security():
    return _security_page()


@bp.post("/security/totp")
@requires_recent_check
def add_totp():
    factor = service.start_totp(current_user)
    db.session.commit()
    return redirect(url_for(".confirm_totp", factor_id=factor.id), 303)


@bp.route("/security/totp/<int:factor_id>", methods=["GET", "POST"])
@requires_recent_check
def confirm_totp(factor_id: int):
    factor = service.unconfirmed_totp(current_user, factor_id)
    if factor is None:
        flash(
            _("That set-up is finished or was left too long. Start again if you need to."), "info"
        )
        return redirect(url_for(".security"), 303)
    form = ConfirmAppForm()
    if form.validate_on_submit():
        codes = service.confirm_totp(factor, form.code.data, form.name.data)
        if codes is None:
            form.code.errors.append(
                _("That is not the code the app shows now. Check the key and try the next code.")
            )
        else:
            db.session.commit()
            if codes:
                return _recovery_codes_page(codes, first=True)
            flash(_("Your authenticator app is set up."), "success")
            return redirect(url_for(".security"), 303)
    page = render_template(
        "accounts/factors/totp_setup.html",
        form=form,
        factor=factor,
        qr_code=totp.qr_svg(factor, _("QR code of the key for your authenticator app")),
        key=totp.grouped_key(factor),
        uri=totp.provisioning_uri(factor),
    )
    return page, 400 if form.errors else 200


@bp.post("/security/factors/<int:factor_id>/remove")
@requires_recent_check
def remove_factor(factor_id: int):
    factor = service.own_factor(current_user, factor_id)
    if factor is None:
        abort(404)
    try:
        service.remove_factor(factor, required=current_app.config["REQUIRE_2FA"])
    except service.FactorError as error:
        return _security_page(problem=str(error), status=400)
    db.session.commit()
    flash(_("That second factor is removed."), "success")
    return redirect(url_for(".security"), 303)


@bp.post("/security/recovery-codes")
@requires_recent_check
def regenerate_recovery_codes():
    try:
        codes = service.regenerate_recovery_codes(current_user)
    except service.FactorError as error:
        return _security_page(problem=str(error), status=400)
    db.session.commit()
    return _recovery_codes_page(codes, first=False)


def _security_page(problem: str | None = None, status: int = 200):
    factors = [(factor, kind_of(factor)) for factor in factors_of(current_user)]
    page = render_template(
        "accounts/factors/security.html",
        factors=factors,
        kinds=all_kinds(),
        codes_left=recovery.codes_left(current_user),
        must_set_up=must_set_up(current_user),
        problem=problem,
    )
    return page, status


def _recovery_codes_page(codes: list[str], first: bool):
    # Rendered straight from the POST, never redirected or stored: the codes are shown once.
    response = make_response(
        render_template("accounts/factors/recovery_codes.html", codes=codes, first=first)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
