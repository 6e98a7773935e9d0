"""Stripe behind our payment gateway (campaign/donations/gateway.py), chosen by the settings.

- gateway.py: Stripe itself, with STRIPE_SECRET_KEY (without it, in production, it takes no
  gifts and still accepts webhooks signed with STRIPE_WEBHOOK_SECRET);
- local_checkout.py: without STRIPE_SECRET_KEY, outside production, a test checkout served by
  this site, whose events take the same webhook path as Stripe's;
- events.py: Stripe's signed webhooks, read into our event types for both.

Only this package imports the Stripe SDK.
"""

from flask import current_app

from campaign.donations.gateway import Gateway
from campaign.donations.stripe.gateway import StripeGateway
from campaign.donations.stripe.local_checkout import LocalCheckoutGateway, local_webhook_secret


def get_gateway() -> Gateway:
    """The gateway the settings choose: the local test checkout, or else Stripe."""
    config = current_app.config
    return get_test_checkout() or StripeGateway(
        config["STRIPE_SECRET_KEY"],
        config["STRIPE_WEBHOOK_SECRET"],
        config["STRIPE_API_BASE"],
        timeout=config["STRIPE_TIMEOUT_SECONDS"],
    )


def get_test_checkout() -> LocalCheckoutGateway | None:
    """The local test checkout, for its own page and the console's test buttons: only without
    Stripe keys, and never in production."""
    config = current_app.config
    if config["STRIPE_SECRET_KEY"] or config["ENV_NAME"] == "production":
        return None
    return LocalCheckoutGateway(config["STRIPE_WEBHOOK_SECRET"] or local_webhook_secret())
