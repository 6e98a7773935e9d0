"""Giving on an appeal page: validation, what reaches Stripe (a local stand-in), and the pages
around the checkout. Nothing here marks a donation paid: only webhooks do (test_stripe_webhooks).
"""

import re
import socket
from decimal import Decimal
from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from campaign import create_app
from campaign.donations.models import Appeal, Donation, DonationStatus, Interval
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from config import ProductionConfig
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal, make_donation
from tests.standins.stripe import card_error

# A post from one of our own pages, as a browser marks it (the donate form carries no token).
OURS = {"Sec-Fetch-Site": "same-origin"}
SITE = "http://campaign.test"


def donate(client, appeal: Appeal, **fields: str):
    """Post the donate form as the appeal page does; `once` unless `interval` says otherwise."""
    data = {"interval": Interval.ONCE.value} | fields
    return client.post(f"/donate/{appeal.slug}", data=data, headers=OURS)


def donations() -> list[Donation]:
    return list(db.session.scalars(select(Donation).order_by(Donation.id)))


def amount_error(html: str) -> str | None:
    """The error shown inside the amount fieldset, tied to the other-amount field, or None."""
    fieldset = re.search(r'<fieldset class="field has-error">(.*?)</fieldset>', html, re.S)
    if fieldset is None:
        return None
    assert 'aria-describedby="amount-error"' in fieldset.group(1)
    message = re.search(r'<p class="error" id="amount-error">(.*?)</p>', fieldset.group(1))
    return message.group(1) if message else None


# --- what reaches Stripe --------------------------------------------------------------


def test_one_off_gift_opens_a_payment_checkout_with_price_data_and_our_donation_id(
    client, session, stripe_api
):
    appeal = make_appeal(title="Fund the cables")

    response = donate(client, appeal, amount="25")

    assert response.status_code == 303
    [request] = stripe_api.created()
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_standin0001"
    [donation] = donations()
    assert (donation.amount, donation.currency, donation.status) == (2500, "gbp", "pending")
    assert donation.checkout_session_id == "cs_test_standin0001"

    params = request.params
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "gbp",
                "unit_amount": "2500",
                "product_data": {"name": "Donation: Fund the cables"},
            },
        }
    ]
    ours = str(donation.id)
    assert params["client_reference_id"] == ours
    assert params["metadata"]["donation_id"] == ours
    assert params["payment_intent_data"]["metadata"]["donation_id"] == ours
    assert "subscription_data" not in params
    assert request.header("Authorization") == "Bearer sk_test_standin"
    assert request.header("Idempotency-Key")


def test_monthly_gift_opens_a_subscription_checkout_with_monthly_price_data(
    client, session, stripe_api
):
    appeal = make_appeal()

    response = donate(client, appeal, amount="other", other_amount="12.50", interval="month")

    assert response.status_code == 303
    [request] = stripe_api.created()
    [donation] = donations()
    assert (donation.amount, donation.interval) == (1250, Interval.MONTH)
    params = request.params
    assert params["mode"] == "subscription"
    assert "submit_type" not in params  # Stripe refuses submit_type in subscription mode
    [item] = params["line_items"]
    assert item["price_data"]["unit_amount"] == "1250"
    assert item["price_data"]["currency"] == "gbp"
    assert item["price_data"]["recurring"] == {"interval": "month"}
    assert params["client_reference_id"] == str(donation.id)
    assert params["metadata"]["donation_id"] == str(donation.id)
    assert params["subscription_data"]["metadata"]["donation_id"] == str(donation.id)
    assert "payment_intent_data" not in params
    assert request.header("Idempotency-Key")


def test_every_checkout_create_has_its_own_idempotency_key(client, session, stripe_api):
    appeal = make_appeal()

    donate(client, appeal, amount="10")
    donate(client, appeal, amount="10")

    keys = [request.header("Idempotency-Key") for request in stripe_api.created()]
    assert len(keys) == 2
    assert all(keys)
    assert keys[0] != keys[1]  # same amount, two donations: two checkouts, not one replayed
    assert len({donation.checkout_session_id for donation in donations()}) == 2


def test_a_retried_create_carries_the_same_idempotency_key(client, session, stripe_api):
    appeal = make_appeal()
    stripe_api.answer_next(500)  # no Stripe-Should-Retry: the SDK retries on its own

    response = donate(client, appeal, amount="10")

    assert response.status_code == 303
    first, retry = stripe_api.created()
    assert first.header("Idempotency-Key") == retry.header("Idempotency-Key")
    assert first.pairs == retry.pairs
    assert donations()[0].status == DonationStatus.PENDING


def test_success_url_names_the_session_and_cancel_url_keeps_amount_and_interval(
    client, session, stripe_api
):
    appeal = make_appeal()

    donate(client, appeal, amount="other", other_amount="12.50", interval="month")

    [request] = stripe_api.created()
    assert request.params["success_url"] == (
        f"{SITE}/donate/{appeal.slug}/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    )
    cancel = urlsplit(request.params["cancel_url"])
    assert f"{cancel.scheme}://{cancel.netloc}{cancel.path}" == f"{SITE}/donate/{appeal.slug}"
    assert parse_qs(cancel.query) == {
        "amount": ["12.50"],
        "interval": ["month"],
        "cancelled": ["1"],
    }


def test_cancel_url_brings_the_donor_back_to_the_choice_they_made(client, session):
    appeal = make_appeal()

    page = client.get(f"/donate/{appeal.slug}?amount=12.50&interval=month&cancelled=1")

    html = page.get_data(as_text=True)
    assert "You left the checkout; nothing was charged." in html
    assert re.search(r'name="other_amount"[^>]*value="12.50"', html)
    assert re.search(r'<input[^>]*value="other" checked>', html)
    assert re.search(r'<input checked[^>]*value="month"', html)


def test_a_preset_amount_comes_back_selected_after_cancelling(client, session):
    appeal = make_appeal()

    html = client.get(f"/donate/{appeal.slug}?amount=25&interval=once&cancelled=1").get_data(
        as_text=True
    )

    assert re.search(r'<input type="radio" name="amount" value="25" checked>', html)
    assert not re.search(r'value="other" checked', html)


def test_a_fresh_appeal_page_chooses_no_amount_and_gives_once_unless_monthly_is_picked(
    client, session
):
    appeal = make_appeal()

    html = client.get(f"/donate/{appeal.slug}").get_data(as_text=True)

    assert not re.search(r'name="amount" value="[^"]*" checked', html)
    assert re.search(r'<input checked[^>]*value="once"', html)
    assert not re.search(r'<input checked[^>]*value="month"', html)


def test_zero_decimal_currency_is_sent_in_whole_units(client, session, stripe_api):
    appeal = make_appeal(currency="jpy", preset_amounts=[500, 1000], minimum_amount=100)

    response = donate(client, appeal, amount="other", other_amount="500")

    assert response.status_code == 303
    [request] = stripe_api.created()
    price = request.params["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("jpy", "500")
    assert donations()[0].amount == 500


def test_covering_the_fees_adds_the_estimated_fee_to_what_is_charged(
    client, session, stripe_api, app_settings
):
    app_settings(DONATION_FEE_PERCENT=Decimal("2"), DONATION_FEE_FIXED=30)
    appeal = make_appeal()

    donate(client, appeal, amount="25", cover_fees="y")

    [request] = stripe_api.created()
    # 2% of £25 is 50p, plus the fixed 30p.
    assert request.params["line_items"][0]["price_data"]["unit_amount"] == "2580"
    [donation] = donations()
    assert (donation.amount, donation.fee_cover) == (2580, 80)
    # Back from a cancelled checkout, the donor sees the gift they chose, not gift plus fee.
    assert parse_qs(urlsplit(request.params["cancel_url"]).query)["amount"] == ["25"]


@pytest.mark.parametrize(
    ("amount", "fee"),
    [
        ("15", 43),  # 1.5% of £15 is 22.5p: a whole 23p, not 22p (half to even)
        ("10.10", 36),  # 15.15p: 16p, or the fee is not covered
        ("20", 50),  # exactly 30p
    ],
)
def test_the_fee_estimate_rounds_up_so_the_fee_is_covered(
    client, session, stripe_api, app_settings, amount, fee
):
    app_settings(DONATION_FEE_PERCENT=Decimal("1.5"), DONATION_FEE_FIXED=20)
    appeal = make_appeal()

    donate(client, appeal, amount=amount, cover_fees="y")

    [donation] = donations()
    assert donation.fee_cover == fee


def test_without_the_tick_no_fee_is_added(client, session, stripe_api, app_settings):
    app_settings(DONATION_FEE_PERCENT=Decimal("2"), DONATION_FEE_FIXED=30)
    appeal = make_appeal()

    donate(client, appeal, amount="25")

    [request] = stripe_api.created()
    assert request.params["line_items"][0]["price_data"]["unit_amount"] == "2500"
    assert donations()[0].fee_cover == 0


# --- refusals: a 400 page, the sentence beside the amount, nothing made, Stripe not asked --


@pytest.mark.parametrize(
    ("appeal_fields", "form", "message"),
    [
        ({"minimum_amount": 500}, {"amount": "other", "other_amount": "4.99"}, "£5.00"),
        ({"maximum_amount": 100_000}, {"amount": "other", "other_amount": "1000.01"}, "£1,000.00"),
        ({}, {"amount": "other", "other_amount": "25.555"}, "Use at most 2 decimal places."),
        (
            {"currency": "jpy", "preset_amounts": [500]},
            {"amount": "other", "other_amount": "500.5"},
            "Enter a whole amount.",
        ),
        ({}, {"amount": "other", "other_amount": "twenty"}, "like 25 or 25.50"),
        ({}, {"amount": "other", "other_amount": "£25"}, "like 25 or 25.50"),
        ({}, {"amount": "other", "other_amount": "NaN"}, None),
        ({}, {"amount": "other", "other_amount": "-5"}, None),
        ({}, {"amount": "other", "other_amount": "0"}, "greater than zero"),
        # An exponent once reached Decimal's limits: a 500 instead of a sentence.
        ({}, {"amount": "other", "other_amount": "1e999999999"}, "like 25 or 25.50"),
        ({}, {"amount": "other", "other_amount": "9" * 1_000_001}, "like 25 or 25.50"),
        # A decimal comma must not become a hundred times the gift.
        ({"currency": "eur"}, {"amount": "other", "other_amount": "25,50"}, "like 25 or 25.50"),
        ({}, {"amount": "other", "other_amount": ""}, "Choose an amount"),
        ({}, {"amount": "", "other_amount": "  "}, "Choose an amount"),
        ({"allow_monthly": False}, {"amount": "25", "interval": "month"}, "one-off gifts only"),
        ({}, {"amount": "25", "interval": "weekly"}, "Choose once or every month."),
    ],
)
def test_an_amount_that_cannot_be_given_is_refused_beside_the_field_and_nothing_is_made(
    client, session, stripe_api, appeal_fields, form, message
):
    appeal = make_appeal(**appeal_fields)

    response = donate(client, appeal, **form)

    assert response.status_code == 400
    shown = amount_error(response.get_data(as_text=True))
    assert shown, "no error beside the amount"
    if message is not None:
        assert escape(message) in shown
    assert donations() == []
    assert stripe_api.requests == []


def test_thousands_separators_are_still_understood(client, session, stripe_api):
    appeal = make_appeal()

    donate(client, appeal, amount="other", other_amount="1,000.50")

    assert donations()[0].amount == 100_050


def test_a_refused_amount_keeps_what_the_donor_typed(client, session, stripe_api):
    appeal = make_appeal(minimum_amount=500)

    response = donate(client, appeal, amount="other", other_amount="4.99")

    assert re.search(r'name="other_amount"[^>]*value="4.99"', response.get_data(as_text=True))


def test_the_honeypot_refuses_a_bot_without_asking_stripe(client, session, stripe_api):
    appeal = make_appeal()

    response = donate(client, appeal, amount="25", website="http://spam.example")

    assert response.status_code == 400
    assert donations() == []
    assert stripe_api.requests == []


def test_a_post_from_another_site_gets_the_form_back_to_press_again(client, session, stripe_api):
    appeal = make_appeal()

    response = client.post(
        f"/donate/{appeal.slug}",
        data={"amount": "25", "interval": "once"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 200
    assert "press “Donate” once more" in response.get_data(as_text=True)
    assert donations() == []
    assert stripe_api.requests == []


def test_too_many_gifts_started_from_one_address_get_429_and_stripe_is_not_asked(
    client, session, stripe_api, app_settings
):
    # Each post opens a Stripe Checkout session: a script must not spend the account's API
    # rate (and fill the table with pending rows) as fast as it can post.
    app_settings(DONATE_RATE_LIMIT="2 per minute")
    appeal = make_appeal()

    statuses = [donate(client, appeal, amount="25").status_code for _ in range(3)]

    assert statuses == [303, 303, 429]
    assert len(stripe_api.created()) == 2
    assert len(donations()) == 2


def test_a_closed_or_draft_appeal_takes_no_gift(client, session, stripe_api):
    closed = make_appeal(status="closed")
    draft = make_appeal(status="draft")

    assert donate(client, closed, amount="25").status_code == 400
    assert donate(client, draft, amount="25").status_code == 404
    assert donations() == []
    assert stripe_api.requests == []


# --- when Stripe says no ----------------------------------------------------------------


def test_a_stripe_server_error_is_a_502_page_with_a_sentence_and_the_donation_failed(
    client, session, stripe_api
):
    appeal = make_appeal()
    stripe_api.answer_next(500, should_retry=False)

    response = donate(client, appeal, amount="25")

    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "Nothing was charged; please try again." in html
    assert amount_error(html) is None
    [donation] = donations()
    assert donation.status == DonationStatus.FAILED
    assert donation.failure_reason
    assert len(stripe_api.created()) == 1  # Stripe said not to retry, and we did not


def test_a_card_error_is_a_502_page_with_stripes_sentence_for_the_donor(
    client, session, stripe_api
):
    appeal = make_appeal()
    stripe_api.answer_next(402, card_error("Your card was declined."))

    response = donate(client, appeal, amount="25")

    assert response.status_code == 502
    assert "Your card was declined. Nothing was charged" in response.get_data(as_text=True)
    assert donations()[0].status == DonationStatus.FAILED


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_stripe_is_a_sentence_without_the_sdks_internals(
    client, session, stripe_api, app_settings
):
    app_settings(STRIPE_API_BASE=f"http://127.0.0.1:{_closed_port()}")
    appeal = make_appeal()

    response = donate(client, appeal, amount="25")

    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "Nothing was charged; please try again." in html
    # The SDK's message names the host and asks people to write to Stripe's support.
    for internal in ("127.0.0.1", "support@stripe.com", "Network error", "HTTPConnectionPool"):
        assert internal not in html
    assert donations()[0].status == DonationStatus.FAILED


# --- the pages around the checkout --------------------------------------------------------


def test_the_thanks_page_never_marks_a_donation_paid(client, session):
    donation = make_donation()
    session.commit()

    response = client.get(
        f"/donate/{donation.appeal.slug}/thanks?session_id={donation.checkout_session_id}"
    )

    assert response.status_code == 200
    assert "as soon as the payment service confirms" in response.get_data(as_text=True)
    session.refresh(donation)
    assert donation.status == DonationStatus.PENDING
    assert donation.paid_at is None
    assert session.scalar(select(func.count()).select_from(OutboundEmail)) == 0


def test_the_thanks_page_does_not_show_another_appeals_session(client, session):
    donation = make_donation(status=DonationStatus.PAID, amount=4200)
    other = make_appeal()

    response = client.get(f"/donate/{other.slug}/thanks?session_id={donation.checkout_session_id}")

    assert "£42.00" not in response.get_data(as_text=True)


def test_an_external_appeal_has_no_form_and_counts_clicks_out(client, session, stripe_api):
    appeal = make_appeal(external_url="https://partner.example/donate")

    page = client.get(f"/donate/{appeal.slug}").get_data(as_text=True)
    out = client.get(f"/donate/{appeal.slug}/out")
    refused = donate(client, appeal, amount="25")

    assert "donate-form" not in page
    assert f'href="/donate/{appeal.slug}/out"' in page
    assert out.status_code == 303
    assert out.headers["Location"] == "https://partner.example/donate"
    session.refresh(appeal)
    assert appeal.external_clicks == 1
    assert refused.status_code == 400
    assert donations() == []
    assert stripe_api.requests == []


def test_an_appeal_without_an_external_url_has_no_way_out(client, session):
    appeal = make_appeal()

    assert client.get(f"/donate/{appeal.slug}/out").status_code == 404


def test_the_appeal_page_may_post_to_stripe_checkout(client, session):
    appeal = make_appeal()

    policy = client.get(f"/donate/{appeal.slug}").headers["Content-Security-Policy"]

    assert "form-action 'self' https://checkout.stripe.com" in policy


# --- the local test checkout, and where it is refused ------------------------------------


def test_without_stripe_keys_outside_production_the_local_test_checkout_is_used(client, session):
    appeal = make_appeal()

    response = donate(client, appeal, amount="25")

    assert response.status_code == 303
    [donation] = donations()
    assert response.headers["Location"] == (
        f"{SITE}/donate/test-checkout/{donation.checkout_session_id}"
    )
    page = client.get(f"/donate/test-checkout/{donation.checkout_session_id}")
    assert "TEST CHECKOUT" in page.get_data(as_text=True)


def test_the_local_test_checkout_refuses_an_unusable_receipt_address_beside_the_field(
    client, session
):
    donation = make_donation()
    url = f"/donate/test-checkout/{donation.checkout_session_id}"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text).group(1)

    response = client.post(
        url, data={"csrf_token": token, "action": "pay", "email": "a\x00@example.org"}
    )

    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert db.session.get(Donation, donation.id).status == DonationStatus.PENDING


def test_the_local_test_checkout_is_refused_beside_real_stripe_keys(client, session, stripe_api):
    donation = make_donation(checkout_session_id="cs_test_local_somewhere")

    response = client.get(f"/donate/test-checkout/{donation.checkout_session_id}")

    assert response.status_code == 404


class _Production(ProductionConfig):
    SECRET_KEY = "a-production-secret"
    SITE_URL = "https://campaign.example"
    STRIPE_SECRET_KEY = None
    STRIPE_WEBHOOK_SECRET = None
    # No dispatcher thread: it would outlive this test and sweep through later tests'
    # rolled-back sessions (the `db.session` of every app).
    MAIL_DISPATCHER = "manual"


@pytest.fixture
def production_app(tmp_path):
    """A production-mode app without Stripe keys, on a database of its own."""

    class Settings(_Production):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'production.sqlite3'}"
        MAIL_FILE_DIR = str(tmp_path / "mail")
        # No dispatcher thread: it would outlive the test and sweep through the session of
        # every later test (the session fixture's, bound to that test's connection).
        MAIL_DISPATCHER = "manual"

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_production_without_stripe_keys_refuses_the_local_test_checkout(production_app):
    appeal = make_appeal(campaign=make_campaign())
    donation = make_donation(appeal, checkout_session_id="cs_test_local_abc")
    db.session.commit()
    client = production_app.test_client()

    checkout = client.get(f"/donate/test-checkout/{donation.checkout_session_id}")
    paying = client.post(
        f"/donate/test-checkout/{donation.checkout_session_id}",
        data={"action": "pay", "email": "donor@example.org"},
    )
    given = client.post(
        f"/donate/{appeal.slug}", data={"amount": "25", "interval": "once"}, headers=OURS
    )

    assert checkout.status_code == 404
    assert paying.status_code in (400, 404)  # no CSRF token to offer either: never processed
    assert given.status_code == 502
    html = given.get_data(as_text=True)
    assert "STRIPE_SECRET_KEY is missing" in html
    assert "test-checkout" not in given.headers.get("Location", "")
    assert "Test mode" not in client.get(f"/donate/{appeal.slug}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Donation, donation.id).status == DonationStatus.PENDING
