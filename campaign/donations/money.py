"""Amounts as integers in minor units, parsed and shown per currency."""

import re
from decimal import ROUND_CEILING, Decimal

from babel.numbers import format_currency
from flask import current_app

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
        raise AmountError("Enter an amount as a number, like 25 or 25.50.")
    value = Decimal(text.replace(",", ""))
    if value <= 0:
        raise AmountError("Enter an amount greater than zero.")
    minor = value.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        places = exponent(currency)
        raise AmountError(
            "Enter a whole amount." if places == 0 else f"Use at most {places} decimal places."
        )
    return int(minor)


def to_major(minor: int, currency: str) -> str:
    """Minor units in the form's notation: 2550 -> "25.50", 2500 -> "25"."""
    places = exponent(currency)
    whole, part = divmod(minor, 10**places)
    return str(whole) if part == 0 else f"{whole}.{part:0{places}d}"


def format_money(minor: int, currency: str, locale: str = "en") -> str:
    """An amount for people to read: 2500 gbp -> "£25.00"."""
    major = Decimal(minor).scaleb(-exponent(currency))
    try:
        return format_currency(major, currency.upper(), locale=locale.replace("-", "_"))
    except (ValueError, LookupError):
        return format_currency(major, currency.upper(), locale="en")


def estimated_fee(amount: int) -> int:
    """What the card payment is likely to cost us, so a donor can choose to cover it."""
    percent = current_app.config["DONATION_FEE_PERCENT"]  # a Decimal, read at start-up
    fixed = current_app.config["DONATION_FEE_FIXED"]
    # Up to the next minor unit: rounding down (or half to even) would leave the fee uncovered.
    return int((Decimal(amount) * percent / 100).to_integral_value(ROUND_CEILING) + fixed)
