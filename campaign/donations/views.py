"""Public donation pages: thin views over giving.py, queries.py and the payment gateway."""

from flask import abort, current_app, redirect, render_template, request
from sqlalchemy import select, update

from campaign import page_cache
from campaign.donations.blueprint import bp
from campaign.donations.forms import DonateForm, TestPaymentForm
from campaign.donations.gateway import GatewayError
from campaign.donations.giving import (
    manage_monthly_gift,
    open_checkout,
    read_choice,
    start_donation,
)
from campaign.donations.models import Appeal, Donation, DonationStatus, Interval
from campaign.donations.money import AmountError, format_fee_percent, format_money, to_major
from campaign.donations.queries import public_appeal, raised
from campaign.donations.receipts import donation_to_manage
from campaign.donations.stripe import get_gateway, get_test_checkout
from campaign.extensions import csrf, db, limiter
from campaign.i18n.site import current_language
from campaign.i18n.translating import in_page_language
from campaign.security import SITE_POLICY, form_post_is_ours
from campaign.templating import site_url_for
from campaign.tokens import TokenError

STRIPE_CHECKOUT = "https://checkout.stripe.com"
STRIPE_PORTAL = "https://billing.stripe.com"


def _may_post_to(response, origin: str):
    # A form whose answer redirects to another origin needs that origin in form-action.
    response.headers["Content-Security-Policy"] = str(
        SITE_POLICY.with_sources("form-action", "'self'", origin)
    )
    return response


def _appeal_or_404(slug: str) -> Appeal:
    return public_appeal(slug) or abort(404)


def _page(appeal: Appeal, form: DonateForm, status: int = 200, **extra):
    # Amounts are written as the page's language writes them, whatever the appeal's language.
    total = raised(appeal)
    presets = [
        (to_major(amount, appeal.currency), format_money(amount, appeal.currency))
        for amount in appeal.preset_amounts
    ]
    html = render_template(
        "donations/appeal.html",
        appeal=in_page_language(appeal),
        campaign=in_page_language(appeal.campaign),
        form=form,
        presets=presets,
        raised=total,
        raised_text=format_money(total.amount, appeal.currency),
        goal_text=format_money(appeal.goal, appeal.currency) if appeal.goal else None,
        fee_percent=format_fee_percent(current_app.config["DONATION_FEE_PERCENT"]),
        test_mode=get_gateway().test_mode,
        **extra,
    )
    return _may_post_to(current_app.make_response((html, status)), STRIPE_CHECKOUT)


@bp.get("/donate/<slug>")
def appeal(slug: str):
    found = _appeal_or_404(slug)
    form = DonateForm(
        formdata=None,
        data={
            "amount": request.args.get("amount", "")[:20],
            "interval": request.args.get("interval")
            if request.args.get("interval") in (Interval.ONCE, Interval.MONTH)
            else Interval.ONCE.value,
        },
    )
    if form.amount.data and form.amount.data not in [
        to_major(a, found.currency) for a in found.preset_amounts
    ]:
        form.other_amount.data, form.amount.data = form.amount.data, "other"
    page_cache.share()  # the same page for every anonymous reader of this address
    return _page(found, form, cancelled=request.args.get("cancelled") == "1")


def _donate_limit() -> str:
    return current_app.config["DONATE_RATE_LIMIT"]


@bp.post("/donate/<slug>")
@csrf.exempt  # checked by form_post_is_ours: the appeal page sets no cookie to hold a token
@limiter.limit(_donate_limit)
def donate(slug: str):
    found = _appeal_or_404(slug)
    form = DonateForm(formdata=request.form)
    if not form_post_is_ours():
        return _page(found, form, with_token=True)
    if form.website.data:
        abort(400)
    try:
        choice = read_choice(
            found,
            form.amount.data,
            form.other_amount.data,
            form.interval.data,
            form.cover_fees.data,
            form.subscribe.data,
        )
    except AmountError as error:
        return _page(found, form, status=400, amount_error=error.message)
    donation = start_donation(found, choice, language=current_language())
    db.session.commit()
    try:
        session = open_checkout(donation)
    except GatewayError as error:
        db.session.commit()  # the organiser sees the failed donation, and why it failed
        return _page(found, form, status=502, gateway_error=str(error))
    db.session.commit()
    return redirect(session.url, 303)


@bp.get("/donate/<slug>/thanks")
def thanks(slug: str):
    found = _appeal_or_404(slug)
    session_id = request.args.get("session_id", "")[:255]
    donation = (
        db.session.scalar(
            select(Donation).where(
                Donation.checkout_session_id == session_id, Donation.appeal_id == found.id
            )
        )
        if session_id
        else None
    )
    # This page never marks anything paid: only a verified webhook does.
    return render_template(
        "donations/thanks.html",
        appeal=in_page_language(found),
        donation=donation,
        amount=format_money(donation.amount, donation.currency) if donation else None,
    )


@bp.get("/donate/<slug>/out")
def out(slug: str):
    found = _appeal_or_404(slug)
    if not found.external_url:
        abort(404)
    db.session.execute(
        update(Appeal)
        .where(Appeal.id == found.id)
        .values(external_clicks=Appeal.external_clicks + 1)
    )
    db.session.commit()
    return redirect(found.external_url, 303)


@bp.route("/donate/manage/<token>", methods=["GET", "POST"])
def manage(token: str):
    try:
        first = donation_to_manage(token)
    except TokenError:
        return render_template("donations/manage.html", invalid=True), 400
    if request.method == "GET" or not first.customer_id:
        html = _manage_page(first, test_mode=get_gateway().test_mode)
        # The button's answer redirects to Stripe's portal: form-action must allow it.
        return _may_post_to(current_app.make_response(html), STRIPE_PORTAL)
    try:
        portal = manage_monthly_gift(first)
    except GatewayError as error:
        html = _manage_page(first, gateway_error=str(error))
        return _may_post_to(current_app.make_response((html, 502)), STRIPE_PORTAL)
    if portal is None:
        return _manage_page(first, stopped=True)
    return redirect(portal, 303)


def _manage_page(first: Donation, **context) -> str:
    # The donor may give more than one monthly gift: say which one this link manages.
    return render_template(
        "donations/manage.html",
        donation=first,
        amount=format_money(first.amount, first.currency),
        since=first.paid_at or first.created_at,
        **context,
    )


@bp.route("/donate/test-checkout/<session_id>", methods=["GET", "POST"])
def test_checkout(session_id: str):
    checkout = get_test_checkout()
    if checkout is None:
        abort(404)  # never in production, never beside real Stripe keys
    donation = db.session.scalar(select(Donation).where(Donation.checkout_session_id == session_id))
    if donation is None:
        abort(404)
    appeal = donation.appeal
    form = TestPaymentForm()
    paying = request.form.get("action") == "pay"
    if (
        request.method == "GET"
        or donation.status != DonationStatus.PENDING
        or (paying and not form.validate())
    ):
        page = render_template(
            "donations/test_checkout.html",
            donation=donation,
            appeal=appeal,
            form=form,
            amount=format_money(donation.amount, donation.currency),
        )
        return page, 400 if form.errors else 200
    if paying:
        checkout.pay(donation, email=form.email.data or "", name=form.name.data or "")
        return redirect(
            site_url_for(
                "donations.thanks",
                slug=appeal.slug,
                session_id=session_id,
                language=donation.language,
            ),
            303,
        )
    checkout.expire(donation)
    # Back where Stripe would send the donor: the pages of the language they gave in.
    return redirect(
        site_url_for(
            "donations.appeal",
            slug=appeal.slug,
            amount=to_major(donation.amount - donation.fee_cover, donation.currency),
            interval=donation.interval,
            cancelled=1,
            language=donation.language,
        ),
        303,
    )
