"""Turning a donor's choice into a pending donation and a checkout session, and giving a
monthly donor the way to manage the gift."""

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from campaign.donations.forms import CONSENT_WORDING
from campaign.donations.gateway import CheckoutSession, GatewayError
from campaign.donations.models import Appeal, AppealStatus, Donation, DonationStatus, Interval
from campaign.donations.money import AmountError, estimated_fee, isolated_money, to_major, to_minor
from campaign.donations.stripe import get_gateway
from campaign.extensions import db
from campaign.i18n.languages import babel_locale
from campaign.i18n.site import current_language, default_language
from campaign.templating import site_url_for


@dataclass(frozen=True)
class Choice:
    amount: int  # minor units, before any fee cover
    interval: str
    cover_fees: bool
    subscribe: bool


def read_choice(
    appeal: Appeal, amount: str, other: str, interval: str, cover_fees: bool, subscribe: bool
) -> Choice:
    """Validate what the donor chose; AmountError with a sentence when it cannot be given."""
    if appeal.status != AppealStatus.OPEN or appeal.external_url:
        raise AmountError(_("This appeal does not take donations here."))
    text = other if (amount or "") in ("", "other") else amount
    if not (text or "").strip():
        raise AmountError(_("Choose an amount, or enter another amount."))
    minor = to_minor(text, appeal.currency)
    # Markup: the sentence's words escaped, its amount kept in its <bdi>.
    if minor < appeal.minimum_amount:
        smallest = isolated_money(appeal.minimum_amount, appeal.currency)
        raise AmountError(escape(_("The smallest gift is %(amount)s.")) % {"amount": smallest})
    if minor > appeal.maximum_amount:
        largest = isolated_money(appeal.maximum_amount, appeal.currency)
        raise AmountError(escape(_("The largest gift online is %(amount)s.")) % {"amount": largest})
    if interval not in (Interval.ONCE, Interval.MONTH):
        raise AmountError(_("Choose once or every month."))
    if interval == Interval.MONTH and not appeal.allow_monthly:
        raise AmountError(_("This appeal takes one-off gifts only."))
    return Choice(minor, interval, cover_fees, subscribe)


def start_donation(appeal: Appeal, choice: Choice, language: str) -> Donation:
    """A pending donation row in the donor's `language` (flushed: its id goes to Stripe)."""
    fee = estimated_fee(choice.amount) if choice.cover_fees else 0
    donation = Donation(
        appeal=appeal,
        amount=choice.amount + fee,
        fee_cover=fee,
        currency=appeal.currency,
        interval=choice.interval,
        status=DonationStatus.PENDING,
        subscribe=choice.subscribe,
        consent_text=CONSENT_WORDING if choice.subscribe else "",
        language=language,
    )
    db.session.add(donation)
    db.session.flush()
    return donation


def open_checkout(donation: Donation) -> CheckoutSession:
    """Create the checkout session for a pending donation; GatewayError if that fails, the
    donation then failed with the gateway's sentence.

    The donor comes back from the checkout to pages in the language they gave in.
    """
    appeal = donation.appeal
    major = to_major(donation.amount - donation.fee_cover, donation.currency)
    try:
        session = get_gateway().create_checkout(
            donation,
            success_url=site_url_for(
                "donations.thanks", slug=appeal.slug, language=donation.language
            ),
            cancel_url=site_url_for(
                "donations.appeal",
                slug=appeal.slug,
                amount=major,
                interval=donation.interval,
                cancelled=1,
                language=donation.language,
            ),
        )
    except GatewayError as error:
        donation.status = DonationStatus.FAILED
        # For the organisers' console: the sentence in the default language, not the donor's.
        with force_locale(babel_locale(default_language())):
            donation.failure_reason = str(error)
        raise
    donation.checkout_session_id = session.id
    db.session.flush()
    return session


def manage_monthly_gift(first: Donation) -> str | None:
    """The gateway's page where the donor manages a monthly gift; None when it has no such
    page and stopped the gift at once instead. GatewayError if that fails."""
    gateway = get_gateway()
    portal = gateway.create_portal(
        first.customer_id,
        site_url_for("donations.appeal", slug=first.appeal.slug),
        language=current_language(),
    )
    if portal is None:
        gateway.cancel_subscription(first.subscription_id)
    return portal
