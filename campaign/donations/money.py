"""Amounts as integers in minor units, parsed and shown per currency and language."""

import re
from decimal import ROUND_CEILING, Decimal

from babel.numbers import format_currency, format_percent
from flask import current_app
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from campaign.i18n.languages import babel_locale

# Stripe's zero-decimal currencies: an amount of 500 JPY is 500, not 5.00.
ZERO_DECIMAL = frozenset(
    {
        "bif",
        "clp",
        "djf",
        "gnf",
        "jpy",
        "kmf",
        "krw",
        "mga",
        "pyg",
        "rwf",
        "ugx",
        "vnd",
        "vuv",
        "xaf",
        "xof",
        "xpf",
    }
)


# Digits with an optional decimal point; commas only as thousands separators ("1,000.50"), so
# a decimal comma ("25,50") is refused rather than read as 2550, and no exponent ("1e9999")
# reaches Decimal's limits (nor do a million digits: the length is capped too).
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+")


class AmountError(ValueError):
    """An amount a donor cannot give; the message says why."""

    @property
    def message(self) -> str:
        """The sentence as raised: Markup stays Markup, so an amount in it stays in <bdi>."""
        return self.args[0]


# And the three-decimal ones: 1.500 KWD is 1500 minor units.
THREE_DECIMAL = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})


def exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's major unit."""
    code = currency.lower()
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def to_minor(major: str, currency: str) -> int:
    """Parse "25" or "25.50" (major units) into minor units, refusing fractions of a cent."""
    text = (major or "").strip()
    if len(text) > 20 or not _AMOUNT.fullmatch(text):
        raise AmountError(_("Enter an amount as a number, like 25 or 25.50."))
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise AmountError(_("Enter an amount greater than zero."))
    minor = value.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        places = exponent(currency)
        raise AmountError(
            _("Enter a whole amount.")
            if places == 0
            else ngettext(
                "Use at most %(num)s decimal place.", "Use at most %(num)s decimal places.", places
            )
        )
    return int(minor)


def to_major(minor: int, currency: str) -> str:
    """Minor units in the form's notation: 2550 -> "25.50", 2500 -> "25"."""
    places = exponent(currency)
    whole, part = divmod(minor, 10**places)
    return str(whole) if part == 0 else f"{whole}.{part:0{places}d}"


def _locale(language: str | None) -> str:
    # The page's (or the email's forced) locale unless a stored language is named.
    if language:
        return babel_locale(language)
    return str(get_locale() or "en")


def format_money(minor: int, currency: str, language: str | None = None) -> str:
    """An amount for people to read, in `language` or else the page's: 2500 gbp -> "£25.00"
    in English, "£25,00" in Turkish."""
    major = Decimal(minor).scaleb(-exponent(currency))
    try:
        return format_currency(major, currency.upper(), locale=_locale(language))
    except (ValueError, LookupError):
        return format_currency(major, currency.upper(), locale="en")


def isolated_money(minor: int, currency: str) -> Markup:
    """An amount to put inside a sentence on a page: in <bdi>, so that a right-to-left
    sentence around it cannot move its symbol and digits about."""
    return Markup("<bdi>{}</bdi>").format(format_money(minor, currency))


def format_fee_percent(percent: Decimal) -> str:
    """A percentage as the page's language writes it, decimals kept: "1.5%", "%1,5"."""
    # Babel's percent pattern has no decimals: 1.5% would read as 2%.
    return format_percent(percent / 100, locale=_locale(None), decimal_quantization=False)


def estimated_fee(amount: int) -> int:
    """What the card payment is likely to cost us, so a donor can choose to cover it."""
    percent = current_app.config["DONATION_FEE_PERCENT"]  # a Decimal, read at start-up
    fixed = current_app.config["DONATION_FEE_FIXED"]
    # Up to the next minor unit: rounding down (or half to even) would leave the fee uncovered.
    return int((Decimal(amount) * percent / 100).to_integral_value(ROUND_CEILING) + fixed)
