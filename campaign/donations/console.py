"""The console's donation pages under /admin/donations: appeals, donations, totals, export."""

from collections.abc import Callable

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign.accounts.reauth import requires_recent_check
from campaign.admin.helpers import campaigns_by_title
from campaign.audit.exports import filters, when_written
from campaign.audit.publication import record_status_change
from campaign.csv_safety import csv_download
from campaign.donations import editing, reports
from campaign.donations.blueprint import console_bp as bp
from campaign.donations.console_forms import AppealForm, DonationFilterForm
from campaign.donations.models import Appeal, Donation
from campaign.donations.money import format_money
from campaign.donations.stripe import get_gateway, get_test_checkout
from campaign.donations.stripe.local_checkout import LocalCheckoutGateway
from campaign.extensions import db
from campaign.paging import console_page
from campaign.security import is_local_path
from campaign.webhooks.refusal import WebhookRefused

SLUG_TAKEN = _l("Another appeal, or a page of the site, already uses this slug; choose another.")


@bp.context_processor
def _every_page() -> dict:
    # Every donations page carries the Stripe set-up banner and formats money the same way.
    return {"stripe_banner": reports.stripe_banner(), "money": format_money, "money_in": _money_in}


def _money_in(currency: str) -> Callable[[float], str]:
    """How a chart writes amounts in `currency`: minor units as money."""
    return lambda minor: format_money(int(minor), currency)


# --- appeals ------------------------------------------------------------------------------


@bp.get("/appeals")
def appeals():
    return render_template("donations/console/appeals.html", rows=reports.console_appeals())


@bp.route("/appeals/new", methods=["GET", "POST"])
def new_appeal():
    form = AppealForm(campaigns=campaigns_by_title())
    if form.validate_on_submit() and _free(form, None):
        appeal = Appeal()
        _apply(form, appeal)
        db.session.add(appeal)
        db.session.flush()
        record_status_change("appeal", appeal.id, None, appeal.status)
        db.session.commit()
        flash(_("Appeal “%(title)s” created.", title=appeal.title), "success")
        return redirect(url_for("donations_console.appeals"), 303)
    return _form_page(form, None)


@bp.route("/appeals/<int:appeal_id>/edit", methods=["GET", "POST"])
def edit_appeal(appeal_id: int):
    appeal = db.get_or_404(Appeal, appeal_id)
    form = AppealForm(appeal=appeal, campaigns=campaigns_by_title())
    if form.validate_on_submit() and _free(form, appeal):
        before = appeal.status
        _apply(form, appeal)
        record_status_change("appeal", appeal.id, before, appeal.status)
        db.session.commit()
        flash(_("Appeal “%(title)s” saved.", title=appeal.title), "success")
        return redirect(url_for("donations_console.appeals"), 303)
    return _form_page(form, appeal)


def _free(form: AppealForm, appeal: Appeal | None) -> bool:
    """The checks that need the database; refusals go beside their fields."""
    if not editing.appeal_slug_is_free(form.slug.data, keep=appeal):
        form.slug.errors.append(SLUG_TAKEN)
    currency = form.amounts().currency
    if appeal is not None and not editing.currency_may_change(appeal, currency):
        form.currency.errors.append(
            _(
                "This appeal already has donations in %(currency)s, so its currency stays: "
                "totals count one currency. Create another appeal for gifts in another currency.",
                currency=appeal.currency.upper(),
            )
        )
    return not form.errors


def _apply(form: AppealForm, appeal: Appeal) -> None:
    amounts = form.amounts()
    appeal.campaign_id = form.campaign.data
    appeal.hero_image_id = form.hero_image.data or None
    appeal.slug = form.slug.data
    appeal.title = form.title.data
    appeal.body = form.body.data  # renders body_html too (see the model)
    appeal.currency = amounts.currency
    appeal.preset_amounts = amounts.presets
    appeal.minimum_amount = amounts.minimum
    appeal.maximum_amount = amounts.maximum
    appeal.goal = amounts.goal
    appeal.allow_monthly = form.allow_monthly.data
    appeal.external_url = form.external_url.data or None
    appeal.status = form.status.data


def _form_page(form: AppealForm, appeal: Appeal | None):
    page = render_template("donations/console/appeal_form.html", form=form, appeal=appeal)
    return page, 400 if form.errors else 200


# --- donations ----------------------------------------------------------------------------


def _filter_form() -> DonationFilterForm:
    form = DonationFilterForm(request.args, appeals=reports.appeals_by_title())
    if not form.validate():  # an unknown appeal or status: show everything
        form = DonationFilterForm(formdata=None, appeals=reports.appeals_by_title())
    return form


@bp.get("/")
def donations():
    form = _filter_form()
    chosen = form.filter()
    page = console_page(reports.search_donations(chosen))
    return render_template(
        "donations/console/donations.html",
        form=form,
        page=page,
        filters={key: value for key, value in form.data.items() if value},
        totals=reports.totals_by_currency(chosen),
        by_day=reports.paid_by_day(chosen),
        test_mode=get_gateway().test_mode,
        may_refund=editing.may_test_refund,
        may_renew=editing.is_running_monthly_gift,
    )


@bp.get("/export.csv")
@requires_recent_check
def export():
    chosen = _filter_form().filter()
    written = when_written(
        "export donations",
        object_kind="appeal" if chosen.appeal_id else "",
        object_id=chosen.appeal_id,
        detail=filters(status=chosen.status, interval=chosen.interval),
    )
    # Streamed a batch at a time: memory stays flat however many gave.
    return csv_download("donations", reports.CSV_COLUMNS, reports.donation_rows(chosen), written)


# --- the local test checkout's buttons (development without Stripe keys only) -------------


# Each action's two outcomes are whole sentences (`%(id)s` is the donation's number): a verb
# dropped into one sentence would not read in every language.


@bp.post("/<int:donation_id>/test-refund")
def test_refund(donation_id: int):
    return _test_action(
        donation_id,
        editing.may_test_refund,
        editing.send_test_refund,
        done=_("Donation %(id)s refunded through a signed test event."),
        refused=_("Donation %(id)s cannot be refunded now."),
    )


@bp.post("/<int:donation_id>/test-renew")
def test_renew(donation_id: int):
    return _test_action(
        donation_id,
        editing.is_running_monthly_gift,
        editing.send_test_renewal,
        done=_("Donation %(id)s renewed through a signed test event."),
        refused=_("Donation %(id)s cannot be renewed now."),
    )


@bp.post("/<int:donation_id>/test-stop")
def test_stop(donation_id: int):
    return _test_action(
        donation_id,
        editing.is_running_monthly_gift,
        editing.send_test_stop,
        done=_("Donation %(id)s stopped through a signed test event."),
        refused=_("Donation %(id)s cannot be stopped now."),
    )


def _test_action(
    donation_id: int,
    allowed: Callable[[Donation], bool],
    send: Callable[[LocalCheckoutGateway, Donation], None],
    done: str,
    refused: str,
):
    checkout = get_test_checkout()
    if checkout is None:
        abort(404)  # never in production, never beside real Stripe keys
    donation = db.get_or_404(Donation, donation_id)
    if not allowed(donation):
        flash(refused % {"id": donation.id}, "error")
    else:
        try:
            send(checkout, donation)  # a signed test event, through the webhook code
        except WebhookRefused as error:
            flash(_("The test event was refused: %(reason)s", reason=error.reason), "error")
        else:
            flash(done % {"id": donation.id}, "success")
    # Back to the same filter and page the button was on.
    target = request.form.get("next")
    if not is_local_path(target):
        target = url_for("donations_console.donations")
    return redirect(target, 303)
