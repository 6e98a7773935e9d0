"""A local stand-in for Stripe Checkout, for development without Stripe keys (never production).

Its page looks like a checkout and says plainly that it is a test. Its buttons, and the
console's test buttons, build the events Stripe would send, sign them with the webhook secret,
and hand them to the same `webhook.receive()` that /webhooks/stripe uses, so the whole flow is
the real one.
"""

import hashlib
import hmac
import json
import time
import uuid

from flask import current_app

from campaign.db import utcnow
from campaign.donations.gateway import CheckoutSession, ReceivedEvent
from campaign.donations.models import Donation, Interval
from campaign.donations.stripe import events
from campaign.donations.webhook import receive
from campaign.templating import site_url_for


def local_webhook_secret() -> str:
    """The signing secret the local test checkout uses, derived from SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    return "whsec_local_" + hmac.new(key, b"stripe-local-webhook", hashlib.sha256).hexdigest()[:32]


def _local_id(prefix: str) -> str:
    return f"{prefix}_local_{uuid.uuid4().hex[:20]}"


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


class LocalCheckoutGateway:
    """The test checkout page of this site, in place of Stripe's; no money moves."""

    test_mode = True

    def __init__(self, webhook_secret: str) -> None:
        # The secret the endpoint checks: the local one, or STRIPE_WEBHOOK_SECRET when it is set.
        self.webhook_secret = webhook_secret

    def create_checkout(
        self, donation: Donation, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        session_id = _local_id("cs_test")
        url = site_url_for(
            "donations.test_checkout", session_id=session_id, language=donation.language
        )
        return CheckoutSession(id=session_id, url=url)

    def create_portal(self, customer_id: str, return_url: str, language: str) -> None:
        return None  # no portal: the manage page's one button stops the test gift

    def cancel_subscription(self, subscription_id: str) -> None:
        """The donor stops a monthly gift (the portal would send this)."""
        self._deliver(
            "customer.subscription.deleted", {"id": subscription_id, "object": "subscription"}
        )

    def verify_event(self, payload: bytes, signature: str | None) -> ReceivedEvent:
        return events.verify(payload, signature, self.webhook_secret)

    # --- what Stripe would send, for the test checkout page and the console's test buttons

    def pay(self, donation: Donation, email: str, name: str) -> None:
        """What Stripe sends when the donor pays: one event for a gift, two for a monthly one."""
        details = {"email": email, "name": name}
        if donation.interval == Interval.MONTH:
            subscription, invoice = _local_id("sub"), _local_id("in")
            customer = _local_id("cus")
            self._deliver(
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
            self._deliver(
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
            self._deliver(
                "checkout.session.completed",
                _session(
                    donation,
                    mode="payment",
                    payment_status="paid",
                    payment_intent=_local_id("pi"),
                    customer_details=details,
                ),
            )

    def expire(self, donation: Donation) -> None:
        """The donor gave up: the session expires, as Stripe reports later."""
        self._deliver("checkout.session.expired", _session(donation, status="expired"))

    def refund(self, donation: Donation, amount: int) -> None:
        """An organiser's test refund of `amount` minor units."""
        refunded_in_all = donation.amount_refunded + amount
        self._deliver(
            "charge.refunded",
            {
                "id": donation.charge_id or _local_id("ch"),
                "object": "charge",
                "payment_intent": donation.payment_intent_id,
                "invoice": donation.invoice_id,
                "amount": donation.amount,
                "amount_refunded": refunded_in_all,
                "refunded": refunded_in_all >= donation.amount,
                "created": int(utcnow().timestamp()),
            },
        )

    def renew(self, first: Donation) -> None:
        """A monthly renewal, as Stripe's invoice.paid a month later."""
        self._deliver(
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

    def _deliver(self, event_type: str, obj: dict) -> None:
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
        receive(self, payload.encode(), events.signature_header(payload, self.webhook_secret))
