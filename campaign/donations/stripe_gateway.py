"""Stripe behind a small interface: Checkout sessions and customer-portal sessions.

Views never import the SDK. Without STRIPE_SECRET_KEY, outside production, the local test
checkout (test_checkout.py) stands in for Stripe with the same interface.
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import stripe
from flask import current_app

from campaign.donations.models import Appeal, Donation, Interval

log = logging.getLogger(__name__)


class GatewayError(RuntimeError):
    """The payment service refused or could not be reached; nothing was charged."""


def _refusal(error: stripe.StripeError) -> GatewayError:
    """A sentence for the donor. Only card errors carry one meant for them; the SDK's other
    messages name hosts and ask people to write to Stripe's support, so they go to the log."""
    if isinstance(error, stripe.CardError) and error.user_message:
        return GatewayError(error.user_message)
    log.error("Stripe call failed: %s", error)
    return GatewayError("The payment service could not be reached.")


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


class Gateway(Protocol):
    def create_checkout(
        self, donation: Donation, appeal: Appeal, success_url: str, cancel_url: str
    ) -> CheckoutSession: ...

    def create_portal(self, customer_id: str, return_url: str) -> str: ...


def checkout_params(donation: Donation, appeal: Appeal, success_url: str, cancel_url: str) -> dict:
    """What Stripe Checkout is asked for: price_data always (customer-chosen amounts)."""
    metadata = {"donation_id": str(donation.id), "appeal": appeal.slug}
    price_data = {
        "currency": donation.currency,
        "unit_amount": donation.amount,
        "product_data": {"name": f"Donation: {appeal.title}"},
    }
    params = {
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "success_url": f"{success_url}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.id),
        "metadata": metadata,
    }
    if donation.donor_email:
        params["customer_email"] = donation.donor_email
    if donation.interval == Interval.MONTH:
        price_data["recurring"] = {"interval": "month"}
        params["mode"] = "subscription"
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["mode"] = "payment"
        params["submit_type"] = "donate"
        params["payment_intent_data"] = {"metadata": metadata}
    return params


def checkout_idempotency_key(donation: Donation) -> str:
    """Stable for one donation's retries; the creation time keeps a reset database's reused
    ids from colliding with keys Stripe still remembers (for 24 hours)."""
    return f"donation-{donation.id}-{int(donation.created_at.timestamp() * 1000)}-checkout"


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str | None = None, timeout: float = 15) -> None:
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=2,  # safe: every create carries an idempotency key
            # A donor is waiting on this request: not the SDK's default 80 seconds.
            http_client=stripe.RequestsClient(timeout=timeout),
        )

    def create_checkout(
        self, donation: Donation, appeal: Appeal, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        params = checkout_params(donation, appeal, success_url, cancel_url)
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": checkout_idempotency_key(donation)}
            )
        except stripe.StripeError as error:
            raise _refusal(error) from error
        return CheckoutSession(id=session.id, url=session.url)

    def create_portal(self, customer_id: str, return_url: str) -> str:
        try:
            session = self.client.v1.billing_portal.sessions.create(
                params={"customer": customer_id, "return_url": return_url},
                options={"idempotency_key": f"portal-{customer_id}-{uuid.uuid4().hex}"},
            )
        except stripe.StripeError as error:
            raise _refusal(error) from error
        return session.url


def local_checkout_allowed() -> bool:
    """The built-in test checkout: only without Stripe keys, and never in production."""
    return (
        not current_app.config["STRIPE_SECRET_KEY"]
        and current_app.config["ENV_NAME"] != "production"
    )


def get_gateway() -> Gateway:
    """Stripe when configured; the local test checkout in development; else an error."""
    if current_app.config["STRIPE_SECRET_KEY"]:
        return StripeGateway(
            current_app.config["STRIPE_SECRET_KEY"],
            current_app.config["STRIPE_API_BASE"],
            timeout=current_app.config["STRIPE_TIMEOUT_SECONDS"],
        )
    if local_checkout_allowed():
        from campaign.donations.test_checkout import LocalCheckoutGateway

        return LocalCheckoutGateway()
    raise GatewayError("Donations are not set up yet: STRIPE_SECRET_KEY is missing.")
