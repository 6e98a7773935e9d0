"""What the donations console reads: appeals and their totals, donations filtered, sums, CSV."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager

from campaign.csv_safety import csv_lines
from campaign.donations.models import Appeal, Donation, DonationStatus
from campaign.donations.money import to_major
from campaign.donations.queries import Raised, raised
from campaign.donations.stripe import get_gateway
from campaign.extensions import db
from campaign.utc_days import as_date, last_days, utc_day

STATS_DAYS = 30
EXPORT_BATCH = 1000
# Every donation whose money arrived at some point: refunded and disputed ones included, so
# the totals can show what came in and what went back out.
_ARRIVED = (DonationStatus.PAID, DonationStatus.REFUNDED, DonationStatus.DISPUTED)


# --- appeals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    raised: Raised


def console_appeals() -> list[AppealRow]:
    """Every appeal, drafts included, newest first, with what it has raised."""
    appeals = db.session.scalars(
        select(Appeal)
        .join(Appeal.campaign)
        .options(contains_eager(Appeal.campaign))
        .order_by(Appeal.created_at.desc(), Appeal.id.desc())
    )
    # One sum an appeal: organisers run a handful of appeals, not thousands.
    return [AppealRow(appeal, raised(appeal)) for appeal in appeals]


def appeals_by_title() -> list[Appeal]:
    """Every appeal, for the donations filter."""
    return list(db.session.scalars(select(Appeal).order_by(Appeal.title, Appeal.id)))


def appeal_by_slug(slug: str) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.slug == slug))


# --- donations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DonationFilter:
    """Which donations the organiser looks at; empty parts match everything."""

    appeal_id: int | None = None
    status: str = ""
    interval: str = ""

    def conditions(self) -> list:
        """The filter as WHERE clauses on Donation."""
        clauses = []
        if self.appeal_id is not None:
            clauses.append(Donation.appeal_id == self.appeal_id)
        if self.status:
            clauses.append(Donation.status == self.status)
        if self.interval:
            clauses.append(Donation.interval == self.interval)
        return clauses


def search_donations(chosen: DonationFilter) -> Select:
    """The donations matching a filter, newest first, each with its appeal."""
    return (
        select(Donation)
        .join(Donation.appeal)
        .options(contains_eager(Donation.appeal))
        .where(*chosen.conditions())
        .order_by(Donation.created_at.desc(), Donation.id.desc())
    )


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    donations: int  # paid ones, counting now
    arrived: int  # minor units that came in, refunded and disputed money included
    refunded: int
    disputed: int  # held back until the dispute is won

    @property
    def net(self) -> int:
        """What counts: paid, minus refunds, minus disputed money."""
        return self.arrived - self.refunded - self.disputed


def totals_by_currency(chosen: DonationFilter) -> list[CurrencyTotal]:
    """Sums per currency over the filtered donations whose money arrived; never mixed."""
    is_paid = Donation.status == DonationStatus.PAID
    is_disputed = Donation.status == DonationStatus.DISPUTED
    rows = db.session.execute(
        select(
            Donation.currency,
            func.sum(case((is_paid, 1), else_=0)),
            func.sum(Donation.amount),
            func.sum(Donation.amount_refunded),
            func.sum(case((is_disputed, Donation.amount - Donation.amount_refunded), else_=0)),
        )
        .where(*chosen.conditions(), Donation.status.in_(_ARRIVED))
        .group_by(Donation.currency)
        .order_by(Donation.currency)
    )
    return [CurrencyTotal(currency, *(int(n or 0) for n in sums)) for currency, *sums in rows]


@dataclass(frozen=True)
class PaidByDay:
    currencies: list[str]
    days: list[tuple[date, dict[str, int]]]  # oldest first; every day, empty ones too

    def in_currency(self, currency: str) -> list[tuple[date, int]]:
        """Every day's amount in one currency, oldest first, 0 where nothing came in."""
        return [(day, amounts.get(currency, 0)) for day, amounts in self.days]


def paid_by_day(
    chosen: DonationFilter, days: int = STATS_DAYS, now: datetime | None = None
) -> PaidByDay:
    """Money that arrived per UTC day and currency over the last `days` days (before refunds).

    Refunds are not dated (Stripe's charge.refunded carries no refund time we keep), so they
    are not spread over days; the totals per currency take them off.
    """
    every_day, since = last_days(days, now)
    day = utc_day(Donation.paid_at)
    sums: dict[date, dict[str, int]] = {}
    for value, currency, amount in db.session.execute(
        select(day, Donation.currency, func.sum(Donation.amount))
        .where(*chosen.conditions(), Donation.status.in_(_ARRIVED), Donation.paid_at >= since)
        .group_by(day, Donation.currency)
    ):
        sums.setdefault(as_date(value), {})[currency] = int(amount)
    currencies = sorted({currency for by_currency in sums.values() for currency in by_currency})
    return PaidByDay(currencies, [(each, sums.get(each, {})) for each in every_day])


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = [
    "id",
    "created_at",
    "paid_at",
    "appeal",
    "donor_name",
    "donor_email",
    "currency",
    "amount",
    "fee_cover",
    "amount_refunded",
    "net_amount",
    "interval",
    "status",
    "subscription_status",
    "first_donation_id",
    "checkout_session_id",
    "payment_intent_id",
    "invoice_id",
    "charge_id",
    "subscription_id",
    "customer_id",
]


def donation_rows(chosen: DonationFilter) -> Iterator[tuple]:
    """One row a donation, newest first like the console, amounts in major units (streamed)."""
    query = (
        select(
            Donation.id,
            Donation.created_at,
            Donation.paid_at,
            Appeal.slug,
            Donation.donor_name,
            Donation.donor_email,
            Donation.currency,
            Donation.amount,
            Donation.fee_cover,
            Donation.amount_refunded,
            Donation.interval,
            Donation.status,
            Donation.subscription_status,
            Donation.first_donation_id,
            Donation.checkout_session_id,
            Donation.payment_intent_id,
            Donation.invoice_id,
            Donation.charge_id,
            Donation.subscription_id,
            Donation.customer_id,
        )
        .join(Donation.appeal)
        .where(*chosen.conditions())
        .order_by(Donation.created_at.desc(), Donation.id.desc())
        .execution_options(yield_per=EXPORT_BATCH)
    )
    # A download cut short closes these rows: the cursor with them, not later in a collection.
    with db.session.execute(query) as result:
        for row in result:
            (id_, created, paid, slug, name, email, currency, amount, fee, refunded, *rest) = row
            interval, status, *stripe = rest
            net = amount - refunded if status == DonationStatus.PAID else 0
            yield (
                id_,
                created,
                paid,
                slug,
                name,
                email,
                currency.upper(),
                to_major(amount, currency),
                to_major(fee, currency),
                to_major(refunded, currency),
                to_major(net, currency),
                interval,
                status,
                *stripe,
            )


def donations_csv(chosen: DonationFilter) -> Iterator[str]:
    """The filtered donations as CSV a line at a time, every cell neutralised against formulas."""
    return csv_lines(CSV_COLUMNS, donation_rows(chosen))


# --- set-up -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StripeBanner:
    heading: str
    text: str
    alert: bool  # something is broken, not just in test mode


def stripe_banner() -> StripeBanner | None:
    """What is missing from the Stripe settings, and what that means for donors; None if set."""
    config = current_app.config
    if not config["STRIPE_SECRET_KEY"]:
        if get_gateway().test_mode:
            return StripeBanner(
                _("Stripe is not set up: the local test checkout is active."),
                _(
                    "STRIPE_SECRET_KEY is missing, so appeals send donors to a test checkout on "
                    "this site (never in production). No money moves; test payments are "
                    "confirmed by signed test events. Set STRIPE_SECRET_KEY and "
                    "STRIPE_WEBHOOK_SECRET to take real donations."
                ),
                alert=False,
            )
        return StripeBanner(
            _("Donations are off: STRIPE_SECRET_KEY is missing."),
            _(
                "Appeal pages cannot take gifts: donors who press Donate are told donations are "
                "not set up. Appeals that link to a partner still work. Set STRIPE_SECRET_KEY "
                "and STRIPE_WEBHOOK_SECRET."
            ),
            alert=True,
        )
    if not config["STRIPE_WEBHOOK_SECRET"]:
        return StripeBanner(
            _("STRIPE_WEBHOOK_SECRET is missing: payments will never be confirmed."),
            _(
                "Stripe takes donors' money, but this site refuses its webhooks, so every "
                "donation stays pending here: no receipts, and no totals. Set "
                "STRIPE_WEBHOOK_SECRET to the signing secret of the /webhooks/stripe endpoint "
                "(or the one `stripe listen` prints, locally)."
            ),
            alert=True,
        )
    return None
