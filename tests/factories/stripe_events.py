"""Stripe's side of the donations tests: its ids, its events in the shape of API version
2026-10-28, a gift's objects as Stripe reports them, and a payload signed as Stripe signs it."""

import itertools
import json
import time
from dataclasses import dataclass

import stripe
from sqlalchemy import select

from campaign.donations.models import Appeal, Donation, Interval
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from tests.factories.donations import make_donation

SECRET = "whsec_test_0123456789abcdef"
DONOR = "donor@example.org"

_numbers = itertools.count(1)


def stripe_id(prefix: str) -> str:
    return f"{prefix}_test_{next(_numbers):06d}"


def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    return {
        "id": event_id or stripe_id("evt"),
        "object": "event",
        "api_version": "2026-10-28.endive",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def send(client, body: dict | str, secret: str = SECRET, timestamp: int | None = None):
    """POST a payload signed as Stripe signs it."""
    payload = body if isinstance(body, str) else json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return client.post(
        "/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


@dataclass
class Gift:
    """A donation sent to checkout, and the ids Stripe gives the payment."""

    donation: Donation
    payment_intent: str
    subscription: str
    customer: str
    invoice: str

    @classmethod
    def start(cls, appeal: Appeal | None = None, **fields) -> "Gift":
        return cls(
            make_donation(appeal, **fields),
            stripe_id("pi"),
            stripe_id("sub"),
            stripe_id("cus"),
            stripe_id("in"),
        )

    @property
    def monthly(self) -> bool:
        return self.donation.interval == Interval.MONTH

    def _metadata(self) -> dict:
        return {"donation_id": str(self.donation.id), "appeal": self.donation.appeal.slug}

    def session(self, payment_status: str = "paid", **fields) -> dict:
        """The checkout.session in checkout.session.* events."""
        session = {
            "id": self.donation.checkout_session_id,
            "object": "checkout.session",
            "client_reference_id": str(self.donation.id),
            "metadata": self._metadata(),
            "amount_total": self.donation.amount,
            "currency": self.donation.currency,
            "customer": self.customer,
            "customer_details": {"email": DONOR, "name": "Dana Donor"},
            "payment_status": payment_status,
            "status": "complete",
        }
        if self.monthly:
            session |= {
                "mode": "subscription",
                "subscription": self.subscription,
                "invoice": self.invoice,
                "payment_intent": None,
            }
        else:
            session |= {"mode": "payment", "payment_intent": self.payment_intent}
        return session | fields

    def invoice_object(
        self, invoice_id: str | None = None, reason: str = "subscription_create", **fields
    ) -> dict:
        """An invoice of the gift's subscription (invoice.paid, invoice.payment_failed)."""
        return {
            "id": invoice_id or self.invoice,
            "object": "invoice",
            "billing_reason": reason,
            "customer": self.customer,
            "customer_email": DONOR,
            "customer_name": "Dana Donor",
            "amount_paid": self.donation.amount,
            "currency": self.donation.currency,
            "status": "paid",
            "metadata": {},
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": self.subscription,
                    "metadata": self._metadata(),
                },
            },
        } | fields

    def charge(self, amount_refunded: int) -> dict:
        return {
            "id": f"ch_for_{self.payment_intent}",
            "object": "charge",
            "payment_intent": self.payment_intent,
            "amount": self.donation.amount,
            "amount_refunded": amount_refunded,
            "refunded": amount_refunded >= self.donation.amount,
        }

    def dispute(self, status: str) -> dict:
        return {
            "id": f"dp_for_{self.payment_intent}",
            "object": "dispute",
            "charge": f"ch_for_{self.payment_intent}",
            "payment_intent": self.payment_intent,
            "amount": self.donation.amount,
            "status": status,
        }


def receipts(to: str = DONOR) -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.template == "donation_receipt", OutboundEmail.to_address == to)
            .order_by(OutboundEmail.id)
        )
    )
