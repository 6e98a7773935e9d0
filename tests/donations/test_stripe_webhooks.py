"""POST /webhooks/stripe: real payloads signed with stripe's own helper, and what they do to
donations, the thermometer and receipts. Stripe objects are built in the shape of API version
2026-10-28 (an invoice's subscription under parent.subscription_details), with the older
top-level `subscription` where a test says so.
"""

import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import stripe
from babel.dates import format_date
from sqlalchemy import delete, func, select
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from campaign.content.models import Campaign
from campaign.donations.gateway import GatewayError
from campaign.donations.models import Appeal, Donation, DonationStatus, Interval
from campaign.donations.queries import Raised, raised
from campaign.donations.receipts import MANAGE_PURPOSE, donation_to_manage
from campaign.donations.stripe import get_gateway
from campaign.donations.stripe.local_checkout import local_webhook_secret
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from campaign.tokens import make_token
from campaign.webhooks.models import WebhookEvent
from tests.conftest import ON_POSTGRES
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal, make_donation
from tests.factories.stripe_events import DONOR, SECRET, Gift, event, receipts, send, stripe_id
from tests.helpers import post_form
from tests.standins.stripe import PORTAL_SESSIONS, SUBSCRIPTIONS

SITE = "http://campaign.test"
ORGANISATION = "Cable Watch"
ADDRESS = "1 Example Street, London N1 1AA"


@pytest.fixture(autouse=True)
def signing_secret(app_settings) -> None:
    app_settings(
        STRIPE_WEBHOOK_SECRET=SECRET,
        ORGANISATION_NAME=ORGANISATION,
        ORGANISATION_ADDRESS=ADDRESS,
    )


def rows_of(appeal: Appeal) -> list[Donation]:
    return list(
        db.session.scalars(
            select(Donation).where(Donation.appeal_id == appeal.id).order_by(Donation.id)
        )
    )


def pay_one_off(client, gift: Gift) -> None:
    assert send(client, event("checkout.session.completed", gift.session())).status_code == 200


def manage_path(receipt: OutboundEmail) -> str:
    [url] = re.findall(re.escape(SITE) + r"(/donate/manage/\S+)", receipt.text_body)
    return url


def managed_donation(receipt: OutboundEmail) -> Donation:
    """The gift a receipt's manage link opens."""
    return donation_to_manage(manage_path(receipt).removeprefix("/donate/manage/"))


# --- the signature --------------------------------------------------------------------


def test_a_correctly_signed_event_is_acknowledged_and_recorded(client, session):
    body = event("customer.created", {"id": "cus_x", "object": "customer"})

    response = send(client, body)

    assert response.status_code == 200
    assert response.json == {"received": True, "outcome": "processed"}
    recorded = session.scalars(select(WebhookEvent.event_id)).all()
    assert recorded == [body["id"]]


def test_a_wrong_signature_is_refused_and_changes_nothing(client, session):
    gift = Gift.start()

    response = send(client, event("checkout.session.completed", gift.session()), "whsec_other")

    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


def test_a_payload_changed_after_signing_is_refused(client, session):
    gift = Gift.start()
    honest = json.dumps(event("checkout.session.completed", gift.session("unpaid")))
    header = stripe.WebhookSignature.generate_signature_header(honest, SECRET)
    forged = honest.replace('"unpaid"', '"paid"')

    response = client.post("/webhooks/stripe", data=forged, headers={"Stripe-Signature": header})

    assert response.status_code == 400
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


@pytest.mark.parametrize(("age", "status"), [(301, 400), (3600, 400), (240, 200)])
def test_a_signature_older_than_five_minutes_is_refused(client, session, age, status):
    body = event("customer.created", {"id": "cus_x"})

    response = send(client, body, timestamp=int(time.time()) - age)

    assert response.status_code == status


def test_a_missing_signature_header_is_refused(client, session):
    payload = json.dumps(event("customer.created", {"id": "cus_x"}))

    response = client.post("/webhooks/stripe", data=payload)

    assert response.status_code == 400
    assert "Stripe-Signature" in response.json["error"]


# A JSON object without a usable id or type is an event we record as unusable: see
# tests/donations/test_stripe_odd_events.py.
@pytest.mark.parametrize(
    "payload", ["not json", '{"id": "evt_1", "type": ', "[]", '"evt_1"', "null"]
)
def test_a_signed_body_that_is_not_a_stripe_event_is_refused(client, session, payload):
    response = send(client, payload)

    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_without_a_webhook_secret_in_production_the_endpoint_answers_503(
    client, session, app_settings
):
    app_settings(ENV_NAME="production", STRIPE_WEBHOOK_SECRET=None, STRIPE_SECRET_KEY=None)
    body = event("customer.created", {"id": "cus_x"})

    # Not even an event signed with the local test checkout's secret gets in.
    response = send(client, body, local_webhook_secret())

    assert response.status_code == 503


def test_beside_real_stripe_keys_the_local_secret_is_not_accepted(client, session, app_settings):
    app_settings(STRIPE_WEBHOOK_SECRET=None, STRIPE_SECRET_KEY="sk_test_real")

    response = send(client, event("customer.created", {"id": "cus_x"}), local_webhook_secret())

    assert response.status_code == 503


# --- repeats ----------------------------------------------------------------------------


def test_a_replayed_event_is_acknowledged_and_changes_nothing(client, session):
    gift = Gift.start()
    body = event("checkout.session.completed", gift.session())

    first = send(client, body)
    session.refresh(gift.donation)
    paid_at = gift.donation.paid_at
    again = send(client, body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json["outcome"] == "duplicate"
    session.refresh(gift.donation)
    assert gift.donation.paid_at == paid_at
    assert len(receipts()) == 1


def test_a_late_repeat_after_a_refund_does_not_make_the_gift_paid_again(client, session):
    gift = Gift.start()
    paid = event("checkout.session.completed", gift.session())
    send(client, paid)
    send(client, event("charge.refunded", gift.charge(amount_refunded=2500)))

    send(client, paid)  # the same event again
    send(client, event("checkout.session.completed", gift.session()))  # a new id, same payment

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.REFUNDED
    assert raised(gift.donation.appeal) == Raised(0, 0)
    assert len(receipts()) == 1


# --- one-off gifts ----------------------------------------------------------------------


def test_a_paid_checkout_marks_the_gift_paid_and_sends_one_receipt(client, session):
    appeal = make_appeal(title="Fund the cables campaign")
    gift = Gift.start(appeal)

    response = send(client, event("checkout.session.completed", gift.session()))

    assert response.status_code == 200
    donation = session.get(Donation, gift.donation.id)
    assert donation.status == DonationStatus.PAID
    assert donation.payment_intent_id == gift.payment_intent
    assert (donation.donor_email, donation.donor_name) == (DONOR, "Dana Donor")
    assert raised(appeal) == Raised(2500, 1)

    [receipt] = receipts()
    assert receipt.subject == "Thank you: your donation of £25.00"
    text = receipt.text_body
    assert "Amount:    £25.00\n" in text
    assert f"Date:      {format_date(donation.paid_at, 'long', locale='en_GB')}\n" in text
    assert "Appeal:    Fund the cables campaign\n" in text
    assert f"Reference: D{donation.id:06d}\n" in text
    assert f"Received by: {ORGANISATION}, {ADDRESS}\n" in text
    assert "/donate/manage/" not in text  # nothing to manage for a one-off gift
    assert "£25.00" in receipt.html_body
    assert ADDRESS in receipt.html_body


def test_an_unpaid_checkout_waits_for_the_async_payment_to_succeed(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.completed", gift.session("unpaid")))
    session.refresh(gift.donation)
    pending = gift.donation.status
    sent_before = len(receipts())
    send(client, event("checkout.session.async_payment_succeeded", gift.session("paid")))

    assert pending == DonationStatus.PENDING
    assert sent_before == 0
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID
    assert len(receipts()) == 1
    assert raised(gift.donation.appeal) == Raised(2500, 1)


def test_an_async_payment_that_fails_marks_the_gift_failed(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.completed", gift.session("unpaid")))
    send(client, event("checkout.session.async_payment_failed", gift.session("unpaid")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.FAILED
    assert gift.donation.failure_reason
    assert receipts() == []
    assert raised(gift.donation.appeal) == Raised(0, 0)


def test_an_expired_checkout_marks_the_gift_cancelled(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.expired", gift.session("unpaid", status="expired")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.CANCELLED


def test_a_session_of_another_checkout_of_the_same_donation_is_not_this_payment(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.completed", gift.session(id="cs_test_someone_else")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


# --- events that do not describe our row ------------------------------------------------


def test_a_paid_session_in_another_currency_is_not_counted(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.completed", gift.session(currency="usd")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert "check it in the Stripe dashboard" in gift.donation.failure_reason
    assert raised(gift.donation.appeal) == Raised(0, 0)
    assert receipts() == []


def test_a_paid_session_for_another_amount_is_not_trusted(client, session):
    gift = Gift.start()

    send(client, event("checkout.session.completed", gift.session(amount_total=100)))
    send(client, event("checkout.session.async_payment_succeeded", gift.session(amount_total=100)))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert raised(gift.donation.appeal) == Raised(0, 0)
    assert receipts() == []


def test_a_session_localised_by_adaptive_pricing_is_our_amount_in_our_currency(client, session):
    # Sessions made before API version 2025-03-31 gave the donor's currency at the top and ours
    # under currency_conversion.
    gift = Gift.start()
    localised = gift.session(
        currency="eur",
        amount_total=2950,
        currency_conversion={"source_currency": "gbp", "amount_total": 2500, "fx_rate": "1.18"},
    )

    send(client, event("checkout.session.completed", localised))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID
    assert raised(gift.donation.appeal) == Raised(2500, 1)


def test_a_session_naming_our_donation_for_another_appeal_is_not_its_payment(client, session):
    # Another site on the same Stripe account (a staging copy, say) numbers its donations too:
    # its donation 7 is not ours. Ours never reached checkout, so no session id tells them apart.
    appeal = make_appeal()
    ours = make_donation(appeal, checkout_session_id=None, status=DonationStatus.FAILED)
    theirs = Gift(ours, stripe_id("pi"), stripe_id("sub"), stripe_id("cus"), stripe_id("in"))
    elsewhere = theirs.session(
        id="cs_test_elsewhere", metadata={"donation_id": str(ours.id), "appeal": "their-appeal"}
    )

    send(client, event("checkout.session.completed", elsewhere))

    session.refresh(ours)
    assert ours.status == DonationStatus.FAILED
    assert ours.checkout_session_id is None
    assert raised(appeal) == Raised(0, 0)
    assert receipts() == []


def test_a_first_monthly_invoice_in_another_currency_is_not_counted(client, session):
    gift = monthly_gift()

    send(client, event("invoice.paid", gift.invoice_object(currency="usd")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert raised(gift.donation.appeal) == Raised(0, 0)
    assert receipts() == []


def test_a_renewal_naming_a_one_off_gift_of_ours_is_not_counted(client, session):
    appeal = make_appeal()
    one_off = Gift.start(appeal)
    pay_one_off(client, one_off)
    # Another site's monthly gift, whose subscription we do not know, names the same number.
    theirs = monthly_gift(make_appeal())
    renewal = theirs.invoice_object(stripe_id("in"), "subscription_cycle")
    renewal["parent"]["subscription_details"]["metadata"] = {
        "donation_id": str(one_off.donation.id),
        "appeal": "their-appeal",
    }

    send(client, event("invoice.paid", renewal))

    assert [row.id for row in rows_of(appeal)] == [one_off.donation.id]
    assert raised(appeal) == Raised(2500, 1)
    assert len(receipts()) == 1


# --- refunds and disputes ---------------------------------------------------------------


def test_a_partial_then_a_full_refund_take_the_gift_off_the_thermometer(client, session):
    appeal = make_appeal()
    gift = Gift.start(appeal)
    other = Gift.start(appeal, amount=1000)
    pay_one_off(client, gift)
    pay_one_off(client, other)
    before = raised(appeal)

    send(client, event("charge.refunded", gift.charge(amount_refunded=1000)))
    partly = raised(appeal)
    session.refresh(gift.donation)
    status_after_partial = gift.donation.status
    send(client, event("charge.refunded", gift.charge(amount_refunded=2500)))

    assert before == Raised(3500, 2)
    assert partly == Raised(2500, 2)
    assert status_after_partial == DonationStatus.PAID
    assert raised(appeal) == Raised(1000, 1)
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.REFUNDED
    assert gift.donation.amount_refunded == 2500
    assert gift.donation.charge_id == f"ch_for_{gift.payment_intent}"


def test_a_refund_of_a_payment_we_do_not_know_changes_nothing(client, session):
    gift = Gift.start()
    pay_one_off(client, gift)
    stranger = Gift.start()  # never paid: its payment intent is on no row

    response = send(client, event("charge.refunded", stranger.charge(amount_refunded=2500)))

    assert response.status_code == 200
    assert raised(gift.donation.appeal) == Raised(2500, 1)


def test_a_disputed_gift_is_not_counted_and_counts_again_when_the_dispute_is_won(client, session):
    gift = Gift.start()
    pay_one_off(client, gift)

    send(client, event("charge.dispute.created", gift.dispute("needs_response")))
    session.refresh(gift.donation)
    disputed = gift.donation.status
    while_disputed = raised(gift.donation.appeal)
    send(client, event("charge.dispute.closed", gift.dispute("won")))

    assert disputed == DonationStatus.DISPUTED
    assert while_disputed == Raised(0, 0)
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID
    assert raised(gift.donation.appeal) == Raised(2500, 1)


def test_a_lost_dispute_is_a_full_refund(client, session):
    gift = Gift.start()
    pay_one_off(client, gift)

    send(client, event("charge.dispute.created", gift.dispute("needs_response")))
    send(client, event("charge.dispute.closed", gift.dispute("lost")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.REFUNDED
    assert gift.donation.amount_refunded == 2500
    assert raised(gift.donation.appeal) == Raised(0, 0)


def test_an_inquiry_closed_without_a_chargeback_keeps_the_gift(client, session):
    # An inquiry (a "warning" dispute) takes no money; when it closes, the gift stands.
    gift = Gift.start()
    pay_one_off(client, gift)

    send(client, event("charge.dispute.created", gift.dispute("warning_needs_response")))
    send(client, event("charge.dispute.closed", gift.dispute("warning_closed")))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID
    assert gift.donation.amount_refunded == 0
    assert raised(gift.donation.appeal) == Raised(2500, 1)


# --- monthly gifts ----------------------------------------------------------------------


def monthly_gift(appeal: Appeal | None = None) -> Gift:
    return Gift.start(appeal, amount=1000, interval=Interval.MONTH)


@pytest.mark.parametrize("invoice_first", [False, True], ids=["checkout-first", "invoice-first"])
def test_the_two_events_about_a_first_monthly_payment_count_it_once(client, session, invoice_first):
    appeal = make_appeal()
    gift = monthly_gift(appeal)
    completed = event("checkout.session.completed", gift.session())
    invoice_paid = event("invoice.paid", gift.invoice_object())

    for body in [invoice_paid, completed] if invoice_first else [completed, invoice_paid]:
        assert send(client, body).status_code == 200

    [donation] = rows_of(appeal)
    assert donation.status == DonationStatus.PAID
    assert (donation.invoice_id, donation.subscription_id, donation.customer_id) == (
        gift.invoice,
        gift.subscription,
        gift.customer,
    )
    assert donation.subscription_status == "active"
    assert raised(appeal) == Raised(1000, 1)
    assert len(receipts()) == 1


def test_a_monthly_receipt_says_monthly_and_links_to_managing_the_gift(client, session):
    appeal = make_appeal(title="Fund the cables campaign")
    gift = monthly_gift(appeal)

    send(client, event("checkout.session.completed", gift.session()))

    [receipt] = receipts()
    assert receipt.subject == "Thank you: your monthly donation of £10.00"
    assert "Amount:    £10.00 a month\n" in receipt.text_body
    assert "To change your card or stop your monthly gift at any time:" in receipt.text_body
    path = manage_path(receipt)
    assert f'href="{SITE}{path}"' in receipt.html_body
    page = client.get(path)
    assert page.status_code == 200
    assert "Fund the cables campaign" in page.get_data(as_text=True)


def test_each_renewal_is_its_own_paid_row_and_a_repeat_of_one_changes_nothing(client, session):
    appeal = make_appeal()
    gift = monthly_gift(appeal)
    send(client, event("checkout.session.completed", gift.session()))
    send(client, event("invoice.paid", gift.invoice_object()))
    second, third = stripe_id("in"), stripe_id("in")

    send(client, event("invoice.paid", gift.invoice_object(second, "subscription_cycle")))
    send(client, event("invoice.paid", gift.invoice_object(second, "subscription_cycle")))
    # Older API versions put the subscription on the invoice itself.
    legacy = gift.invoice_object(third, "subscription_cycle", subscription=gift.subscription)
    del legacy["parent"]
    send(client, event("invoice.paid", legacy))

    first, renewal, later = rows_of(appeal)
    assert [row.invoice_id for row in (first, renewal, later)] == [gift.invoice, second, third]
    assert all(row.status == DonationStatus.PAID for row in (first, renewal, later))
    assert renewal.first_donation_id == later.first_donation_id == first.id
    assert (renewal.amount, renewal.interval, renewal.donor_email) == (1000, "month", DONOR)
    assert raised(appeal) == Raised(3000, 1)  # three payments, one donor
    mails = receipts()
    assert len(mails) == 3
    # A renewal's receipt manages the gift as a whole: the first row's link. (Compared by the
    # row each link names: a token made a second later carries another timestamp.)
    managed = [managed_donation(mail) for mail in mails[:2]]
    assert [donation.id for donation in managed] == [first.id, first.id]


def test_a_renewal_that_took_no_money_is_not_counted_as_a_months_gift(client, session):
    # A month paid entirely from a credit balance (or a 100% coupon) is an invoice.paid with
    # amount_paid 0: nothing was given this month.
    appeal = make_appeal()
    gift = monthly_gift(appeal)
    send(client, event("checkout.session.completed", gift.session()))

    free = gift.invoice_object(stripe_id("in"), "subscription_cycle", amount_paid=0)
    send(client, event("invoice.paid", free))

    assert raised(appeal) == Raised(1000, 1)
    assert len(receipts()) == 1


def test_a_failed_monthly_payment_marks_the_gift_past_due(client, session):
    gift = monthly_gift()
    send(client, event("checkout.session.completed", gift.session()))

    failed = gift.invoice_object(stripe_id("in"), "subscription_cycle", status="open")
    send(client, event("invoice.payment_failed", failed))

    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "past_due"
    assert gift.donation.status == DonationStatus.PAID  # the first payment still stands
    assert raised(gift.donation.appeal) == Raised(1000, 1)


def test_a_deleted_subscription_cancels_the_monthly_gift(client, session):
    gift = monthly_gift()
    send(client, event("checkout.session.completed", gift.session()))

    subscription = {"id": gift.subscription, "object": "subscription", "status": "canceled"}
    send(client, event("customer.subscription.deleted", subscription))

    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "cancelled"
    assert raised(gift.donation.appeal) == Raised(1000, 1)  # what was given stays given


def test_a_retry_that_pays_puts_a_past_due_gift_back_to_active(client, session):
    appeal = make_appeal()
    gift = monthly_gift(appeal)
    send(client, event("checkout.session.completed", gift.session()))
    month = stripe_id("in")
    failed = gift.invoice_object(month, "subscription_cycle", status="open")
    send(client, event("invoice.payment_failed", failed))

    send(client, event("invoice.paid", gift.invoice_object(month, "subscription_cycle")))

    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "active"
    assert gift.donation.failure_reason is None
    assert raised(appeal) == Raised(2000, 1)


def test_a_payment_reported_after_the_cancellation_counts_and_the_gift_stays_cancelled(
    client, session
):
    appeal = make_appeal()
    gift = monthly_gift(appeal)
    send(client, event("checkout.session.completed", gift.session()))
    subscription = {"id": gift.subscription, "object": "subscription", "status": "canceled"}
    send(client, event("customer.subscription.deleted", subscription))

    # Its last month was paid before the donor stopped it; the event came late.
    send(client, event("invoice.paid", gift.invoice_object(stripe_id("in"), "subscription_cycle")))

    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "cancelled"
    assert raised(appeal) == Raised(2000, 1)


def test_a_failed_payment_reported_after_the_cancellation_leaves_the_gift_cancelled(
    client, session
):
    # Stripe gives up after its last retry: it cancels the subscription and reports the failed
    # invoice, and the two events may arrive in either order.
    gift = monthly_gift()
    send(client, event("checkout.session.completed", gift.session()))
    subscription = {"id": gift.subscription, "object": "subscription", "status": "canceled"}
    send(client, event("customer.subscription.deleted", subscription))

    failed = gift.invoice_object(stripe_id("in"), "subscription_cycle", status="open")
    send(client, event("invoice.payment_failed", failed))

    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "cancelled"


def test_a_refund_of_a_monthly_payment_takes_it_off_the_thermometer(client, session):
    gift = monthly_gift()
    send(client, event("checkout.session.completed", gift.session()))
    send(client, event("invoice.paid", gift.invoice_object()))
    # Stripe says which payment intent paid the invoice (a charge names no invoice any more).
    payment = {
        "id": f"inpay_for_{gift.invoice}",
        "object": "invoice_payment",
        "invoice": gift.invoice,
        "payment": {"type": "payment_intent", "payment_intent": gift.payment_intent},
    }
    send(client, event("invoice_payment.paid", payment))

    send(client, event("charge.refunded", gift.charge(amount_refunded=1000)))

    assert raised(gift.donation.appeal) == Raised(0, 0)


@pytest.mark.parametrize(
    "kind",
    ["customer.created", "payment_intent.succeeded", "invoice.finalized", "charge.succeeded"],
)
def test_unknown_event_types_are_acknowledged_and_ignored(client, session, kind):
    gift = Gift.start()
    obj = gift.session() | {"object": kind.split(".")[0]}

    response = send(client, event(kind, obj))

    assert response.status_code == 200
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert receipts() == []


# --- the manage link -----------------------------------------------------------------


def paid_monthly_gift(client) -> tuple[Gift, str]:
    gift = monthly_gift()
    send(client, event("checkout.session.completed", gift.session()))
    return gift, manage_path(receipts()[0])


def test_the_manage_page_offers_one_button_to_the_payment_providers_page(
    client, session, stripe_api
):
    _, path = paid_monthly_gift(client)

    page = client.get(path)

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(re.findall(r"<button", html)) == 1
    assert "Manage my monthly gift" in html
    assert stripe_api.requests == []  # a portal session is made only when asked for
    # The form's answer is a redirect to Stripe's portal, which form-action must allow.
    assert "https://billing.stripe.com" in page.headers["Content-Security-Policy"]


def test_the_manage_page_says_which_gift_it_manages(client, session, stripe_api):
    gift, path = paid_monthly_gift(client)
    session.refresh(gift.donation)
    since = gift.donation.paid_at

    html = " ".join(client.get(path).get_data(as_text=True).split())

    assert gift.donation.appeal.title in html
    assert "<bdi><strong>£10.00</strong> (GBP)</bdi> a month" in html
    day = format_date(since, "long", locale="en_GB")
    assert f'since <time datetime="{since.date().isoformat()}">{day}</time>' in html


def test_pressing_manage_opens_a_stripe_portal_session_for_the_donor(client, session, stripe_api):
    gift, path = paid_monthly_gift(client)

    response = post_form(client, path, {})

    assert response.status_code == 303
    [request] = stripe_api.created(PORTAL_SESSIONS)
    assert response.headers["Location"] == "https://billing.stripe.com/p/session/test_standin0001"
    assert request.params["customer"] == gift.customer
    assert request.params["return_url"] == f"{SITE}/donate/{gift.donation.appeal.slug}"
    assert request.header("Idempotency-Key")


def test_a_portal_that_fails_is_a_sentence_on_the_manage_page(client, session, stripe_api):
    _, path = paid_monthly_gift(client)
    stripe_api.answer_next(500, should_retry=False)

    response = post_form(client, path, {})

    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "The payment service could not be reached." in html
    assert "support@stripe.com" not in html


def test_cancelling_a_subscription_asks_stripe_to_cancel_it(session, stripe_api):
    get_gateway().cancel_subscription("sub_test_to_stop")

    [request] = stripe_api.created(f"{SUBSCRIPTIONS}sub_test_to_stop")
    assert request.method == "DELETE"


def test_a_cancellation_stripe_cannot_make_is_a_sentence(session, stripe_api):
    stripe_api.answer_next(500, should_retry=False)

    with pytest.raises(GatewayError) as refusal:
        get_gateway().cancel_subscription("sub_test_to_stop")

    assert str(refusal.value) == "The payment service could not be reached."


def test_a_tampered_manage_link_is_refused(client, session):
    gift, path = paid_monthly_gift(client)
    token = path.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    # Correctly signed, but its check does not match the gift (as for a changed email).
    forged = make_token(MANAGE_PURPOSE, {"id": gift.donation.id, "check": "0" * 20})

    for bad in (tampered, forged):
        response = client.get(f"/donate/manage/{bad}")
        assert response.status_code == 400
        assert "This link is not valid." in response.get_data(as_text=True)


def test_in_test_mode_the_manage_link_stops_the_gift_through_the_webhook(client, session):
    gift, path = paid_monthly_gift(client)

    page = client.get(path)
    response = post_form(client, path, {})

    assert "Stop my monthly gift" in page.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your monthly gift is stopped." in response.get_data(as_text=True)
    session.refresh(gift.donation)
    assert gift.donation.subscription_status == "cancelled"


def test_the_local_test_checkout_pays_even_when_a_webhook_secret_is_configured(client, session):
    # A developer with STRIPE_WEBHOOK_SECRET in .env but no secret key gets the test checkout,
    # whose events must then be signed with the secret the endpoint checks.
    appeal = make_appeal()
    response = client.post(
        f"/donate/{appeal.slug}",
        data={"amount": "25", "interval": "once"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    checkout = response.headers["Location"].removeprefix(SITE)

    paid = post_form(client, checkout, {"action": "pay", "email": DONOR})

    assert paid.status_code == 303
    [donation] = rows_of(appeal)
    assert donation.status == DonationStatus.PAID
    assert len(receipts()) == 1


# --- two deliveries at once, on PostgreSQL -----------------------------------------------


@dataclass
class Committed:
    appeal_id: int
    gift: Gift


@pytest.fixture
def committed(app) -> Iterator[Committed]:
    """A monthly gift really committed (threads cannot see the test's transaction); removed
    afterwards with everything the deliveries made. Every delivery pauses before its commit,
    so a second one arrives while the first still holds its locks."""
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")

    def pause(_session) -> None:
        time.sleep(0.3)

    with app.app_context():
        campaign = make_campaign()
        appeal = make_appeal(campaign)
        gift = monthly_gift(appeal)
        db.session.commit()
        campaign_id, appeal_id = campaign.id, appeal.id
        sqlalchemy_event.listen(Session, "before_commit", pause)
        try:
            yield Committed(appeal_id, gift)
        finally:
            sqlalchemy_event.remove(Session, "before_commit", pause)
            db.session.rollback()
            db.session.execute(delete(OutboundEmail).where(OutboundEmail.to_address == DONOR))
            db.session.execute(delete(WebhookEvent).where(WebhookEvent.provider == "stripe"))
            db.session.execute(
                delete(Donation)
                .where(Donation.appeal_id == appeal_id)
                .where(Donation.first_donation_id.is_not(None))
            )
            db.session.execute(delete(Donation).where(Donation.appeal_id == appeal_id))
            db.session.execute(delete(Appeal).where(Appeal.id == appeal_id))
            db.session.execute(delete(Campaign).where(Campaign.id == campaign_id))
            db.session.commit()
            db.session.remove()


def deliver_at_once(app, bodies: list[dict]) -> list[str]:
    """POST each body from its own thread and app context, all released together."""
    payloads = [json.dumps(body) for body in bodies]
    barrier = threading.Barrier(len(payloads))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def post(payload: str) -> None:
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        with app.app_context():
            try:
                client = app.test_client()
                barrier.wait(timeout=10)
                response = client.post(
                    "/webhooks/stripe", data=payload, headers={"Stripe-Signature": header}
                )
                assert response.status_code == 200, response.get_data(as_text=True)
                outcomes.append(response.json["outcome"])
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    return sorted(outcomes)


def committed_state(app, appeal_id: int) -> tuple[list[Donation], int, Raised]:
    with app.app_context():
        rows = list(db.session.scalars(select(Donation).where(Donation.appeal_id == appeal_id)))
        mails = len(receipts())
        total = raised(db.session.get(Appeal, appeal_id))
        db.session.expunge_all()
        return rows, mails, total


@pytest.mark.postgres
def test_the_same_event_delivered_twice_at_once_is_processed_once(app, committed):
    body = event("checkout.session.completed", committed.gift.session())

    outcomes = deliver_at_once(app, [body, body])

    assert outcomes == ["duplicate", "processed"]
    [donation], mails, total = committed_state(app, committed.appeal_id)
    assert donation.status == DonationStatus.PAID
    assert mails == 1
    assert total == Raised(1000, 1)


@pytest.mark.postgres
def test_the_two_events_of_a_first_monthly_payment_at_once_send_one_receipt(app, committed):
    gift = committed.gift
    bodies = [
        event("checkout.session.completed", gift.session()),
        event("invoice.paid", gift.invoice_object()),
    ]

    outcomes = deliver_at_once(app, bodies)

    assert outcomes == ["processed", "processed"]
    [donation], mails, total = committed_state(app, committed.appeal_id)
    assert donation.status == DonationStatus.PAID
    assert donation.invoice_id == gift.invoice
    assert total == Raised(1000, 1)
    assert mails == 1
