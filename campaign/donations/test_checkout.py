"""A local stand-in for Stripe Checkout, for development without Stripe keys (never production).

Its page looks like a checkout and says plainly that it is a test. Its buttons build the
events Stripe would send, sign them with the local webhook secret, and hand them to the same
`payments.receive()` that /webhooks/stripe uses, so the whole flow is the real one.
"""

import json
import time
import uuid

import stripe

from campaign.db import utcnow
from campaign.donations.models import Appeal, Donation, Interval
from campaign.donations.payments import receive, webhook_secret
from campaign.donations.stripe_gateway import CheckoutSession
from campaign.templating import site_url_for


def _local_id(prefix: str) -> str:
    return f"{prefix}_local_{uuid.uuid4().hex[:20]}"


class LocalCheckoutGateway:
    def create_checkout(
        self, donation: Donation, appeal: Appeal, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        session_id = _local_id("cs_test")
        return CheckoutSession(
            id=session_id, url=site_url_for("donations.test_checkout", session_id=session_id)
        )

    def create_portal(self, customer_id: str, return_url: str) -> str:
        return return_url  # the manage page itself offers the test cancellation


def deliver(event_type: str, obj: dict) -> dict:
    """Sign an event as Stripe would and process it through the webhook code."""
    event = {
        "id": _local_id("evt"),
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }
    payload = json.dumps(event)
    # The secret the endpoint checks: the local one, or STRIPE_WEBHOOK_SECRET when it is set.
    header = stripe.WebhookSignature.generate_signature_header(payload, webhook_secret())
    return receive(payload.encode(), header)


def _session(donation: Donation, **fields) -> dict:
    return {
        "id": donation.checkout_session_id,
        "object": "checkout.session",
        "client_reference_id": str(donation.id),
        "metadata": {"donation_id": str(donation.id), "appeal": donation.appeal.slug},
        "amount_total": donation.amount,
        "currency": donation.currency,
        **fields,
    }


def pay(donation: Donation, email: str, name: str) -> None:
    """What Stripe sends when the donor pays: one event for a gift, two for a monthly one."""
    details = {"email": email, "name": name}
    if donation.interval == Interval.MONTH:
        subscription, invoice = _local_id("sub"), _local_id("in")
        customer = _local_id("cus")
        deliver(
            "checkout.session.completed",
            _session(
                donation,
                mode="subscription",
                payment_status="paid",
                subscription=subscription,
                invoice=invoice,
                customer=customer,
                customer_details=details,
            ),
        )
        deliver(
            "invoice.paid",
            {
                "id": invoice,
                "object": "invoice",
                "subscription": subscription,
                "customer": customer,
                "billing_reason": "subscription_create",
                "amount_paid": donation.amount,
                "currency": donation.currency,
            },
        )
    else:
        deliver(
            "checkout.session.completed",
            _session(
                donation,
                mode="payment",
                payment_status="paid",
                payment_intent=_local_id("pi"),
                customer_details=details,
            ),
        )


def cancel(donation: Donation) -> None:
    """The donor gave up: the session expires, as Stripe reports later."""
    deliver("checkout.session.expired", _session(donation, status="expired"))


def refund(donation: Donation, amount: int | None = None) -> None:
    """An organiser's test refund (full, or `amount` minor units)."""
    refunded = donation.amount if amount is None else amount
    deliver(
        "charge.refunded",
        {
            "id": donation.charge_id or _local_id("ch"),
            "object": "charge",
            "payment_intent": donation.payment_intent_id,
            "invoice": donation.invoice_id,
            "amount": donation.amount,
            "amount_refunded": donation.amount_refunded + refunded,
            "refunded": donation.amount_refunded + refunded >= donation.amount,
            "created": int(utcnow().timestamp()),
        },
    )


def renew(first: Donation) -> None:
    """A monthly renewal, as Stripe's invoice.paid a month later."""
    deliver(
        "invoice.paid",
        {
            "id": _local_id("in"),
            "object": "invoice",
            "subscription": first.subscription_id,
            "customer": first.customer_id,
            "billing_reason": "subscription_cycle",
            "amount_paid": first.amount,
            "currency": first.currency,
        },
    )


def cancel_monthly(first: Donation) -> None:
    """The donor stops a monthly gift (the portal would send this)."""
    deliver(
        "customer.subscription.deleted", {"id": first.subscription_id, "object": "subscription"}
    )
