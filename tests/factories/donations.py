"""Builders for appeals and donations; each flushes and returns what it made."""

import itertools

from campaign.content.models import Campaign
from campaign.donations.models import Appeal, AppealStatus, Donation, DonationStatus, Interval
from tests.factories import flushed
from tests.factories.content import make_campaign

_numbers = itertools.count(1)


def make_appeal(campaign: Campaign | None = None, **fields) -> Appeal:
    """An open gbp appeal of a live campaign, 10/25/50 offered, monthly allowed; flushed."""
    number = next(_numbers)
    values = {
        "campaign": campaign or make_campaign(),
        "slug": f"appeal-{number}",
        "title": f"Appeal {number}",
        "body": "Help us keep going.",
        "currency": "gbp",
        "preset_amounts": [1000, 2500, 5000],
        "minimum_amount": 100,
        "maximum_amount": 1_000_000,
        "goal": 500_000,
        "allow_monthly": True,
        "status": AppealStatus.OPEN,
    } | fields
    return flushed(Appeal(**values))


def make_donation(appeal: Appeal | None = None, **fields) -> Donation:
    """A pending £25 gift sent to a checkout session (as after POST /donate); flushed."""
    appeal = appeal or make_appeal()
    number = next(_numbers)
    values = {
        "appeal": appeal,
        "amount": 2500,
        "currency": appeal.currency,
        "interval": Interval.ONCE,
        "status": DonationStatus.PENDING,
        "checkout_session_id": f"cs_test_factory{number:05d}",
    } | fields
    return flushed(Donation(**values))
