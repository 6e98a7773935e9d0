"""What organisers may set on an appeal: currencies, preset amounts, free slugs, test actions."""

import re
from functools import cache

from babel import Locale
from babel.numbers import get_territory_currencies
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import exists, select

from campaign.admin.helpers import slug_is_free
from campaign.donations.models import Appeal, Donation, DonationStatus, Interval, SubscriptionStatus
from campaign.donations.money import AmountError, format_money, to_minor
from campaign.donations.stripe.local_checkout import LocalCheckoutGateway
from campaign.extensions import db

# Stripe refuses a single payment above 99,999,999 minor units (eight digits), in any currency.
MAX_PAYMENT = 99_999_999
# The goal is an Integer column: PostgreSQL's limit, in minor units.
MAX_GOAL = 2_000_000_000
MAX_PRESETS = 8
# /donate/manage/<token> and /donate/test-checkout/<id> would shadow these appeals'
# /donate/<slug>/thanks and /out pages.
RESERVED_SLUGS = frozenset({"manage", "test-checkout"})

_CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")
_PRESET_SEPARATORS = re.compile(r"[,;\s]+")


class CurrencyError(ValueError):
    """A currency code we cannot take; the message says why."""


@cache
def currencies_in_use() -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere today (CLDR, through Babel)."""
    # Babel's full list also holds retired currencies (DEM), metals (XAU) and test codes (XTS).
    territories = [code for code in Locale("en").territories if code.isalpha()]
    return frozenset(code for each in territories for code in get_territory_currencies(each))


def read_currency(text: str) -> str:
    """An ISO 4217 code in either case, checked against the codes in use, stored lower-case."""
    code = (text or "").strip()
    if not _CURRENCY_CODE.match(code):
        raise CurrencyError(_("Enter a three-letter currency code, like GBP, EUR or USD."))
    if code.upper() not in currencies_in_use():
        raise CurrencyError(
            _(
                "“%(code)s” is not a currency in use today; enter one like GBP, EUR or USD.",
                code=code.upper(),
            )
        )
    return code.lower()


def read_presets(text: str, currency: str) -> list[int]:
    """Presets typed like "10, 25, 50" (major units) → minor units, in the order typed."""
    # Commas separate amounts here, so "1,000" cannot mean a thousand: the hint says so.
    parts = [part for part in _PRESET_SEPARATORS.split(text or "") if part]
    if len(parts) > MAX_PRESETS:
        raise AmountError(
            ngettext(
                "Offer at most %(num)s amount; donors can type any other.",
                "Offer at most %(num)s amounts; donors can type any other.",
                MAX_PRESETS,
            )
        )
    amounts: list[int] = []
    for part in parts:
        try:
            amount = to_minor(part, currency)
        except AmountError as error:
            raise AmountError(
                _("“%(typed)s”: %(problem)s", typed=part, problem=error.message)
            ) from None
        if amount in amounts:
            raise AmountError(_("“%(typed)s” is there twice.", typed=part))
        amounts.append(amount)
    return amounts


def read_amount(text: str, currency: str, largest: int = MAX_PAYMENT) -> int:
    """One amount in major units → minor units, at most `largest`; AmountError says why."""
    amount = to_minor(text, currency)
    if amount > largest:
        raise AmountError(_("Enter at most %(amount)s.", amount=format_money(largest, currency)))
    return amount


def appeal_slug_is_free(slug: str, keep: Appeal | None = None) -> bool:
    """No other appeal uses the slug, and no page of the site would shadow it."""
    return slug not in RESERVED_SLUGS and slug_is_free(Appeal, slug, keep)


def currency_may_change(appeal: Appeal, currency: str) -> bool:
    """A currency may change until the appeal has donations: totals count only its currency."""
    if currency == appeal.currency:
        return True
    return not db.session.scalar(select(exists().where(Donation.appeal_id == appeal.id)))


# --- the local test checkout's organiser buttons (development only) -----------------------


def may_test_refund(donation: Donation) -> bool:
    """A paid donation with something left to refund."""
    return donation.status == DonationStatus.PAID and donation.amount_refunded < donation.amount


def is_running_monthly_gift(donation: Donation) -> bool:
    """The first donation of a monthly gift whose subscription has not been stopped."""
    return (
        donation.interval == Interval.MONTH
        and donation.first_donation_id is None
        and donation.subscription_id is not None
        and donation.status == DonationStatus.PAID
        and donation.subscription_status != SubscriptionStatus.CANCELLED
    )


def send_test_refund(checkout: LocalCheckoutGateway, donation: Donation) -> None:
    """Refund what is left of a paid donation, through a signed test charge.refunded."""
    checkout.refund(donation, donation.amount - donation.amount_refunded)


def send_test_renewal(checkout: LocalCheckoutGateway, first: Donation) -> None:
    """A month passes: a signed test invoice.paid makes a renewal row."""
    checkout.renew(first)


def send_test_stop(checkout: LocalCheckoutGateway, first: Donation) -> None:
    """The donor stops the gift: a signed test customer.subscription.deleted."""
    checkout.cancel_subscription(first.subscription_id)
