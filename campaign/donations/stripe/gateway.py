"""Stripe itself behind our gateway: Checkout sessions, customer-portal sessions, cancelling a
subscription, and its signed webhooks (events.py reads them)."""

import logging
import uuid

import stripe
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from campaign.donations.gateway import CheckoutSession, GatewayError, ReceivedEvent
from campaign.donations.models import Donation, Interval
from campaign.donations.stripe import events
from campaign.i18n.languages import base_language

log = logging.getLogger(__name__)

NOT_SET_UP = _l("Donations are not set up yet: STRIPE_SECRET_KEY is missing.")

# The languages Stripe Checkout and the customer portal are shown in: the `locale` values the
# API takes for their sessions. Arabic, Hebrew and Uyghur are not among them.
CHECKOUT_LOCALES = frozenset(
    {
        *("bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil"),
        *("fr", "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt"),
        *("nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi"),
        *("zh", "zh-HK", "zh-TW"),
    }
)
PORTAL_LOCALES = (CHECKOUT_LOCALES - {"hi-IN"}) | {"en-AU", "en-CA", "en-IE", "en-IN", "en-NZ"}
# Our tags that Stripe spells otherwise: its "zh" is Simplified Chinese.
_STRIPE_SPELLING = {"zh-hans": "zh", "zh-hant": "zh-TW"}


def stripe_locale(language: str, supported: frozenset[str] = CHECKOUT_LOCALES) -> str:
    """Stripe's locale for a page's language, or "auto" when Stripe has none for it: the
    donor's browser language is a better guess than one we would choose for them."""
    tag = _STRIPE_SPELLING.get(language.lower(), language)
    by_lower = {each.lower(): each for each in supported}
    return by_lower.get(tag.lower()) or by_lower.get(base_language(tag)) or "auto"


def _refusal(error: stripe.StripeError) -> GatewayError:
    """A sentence for the donor. Only card errors carry one meant for them; the SDK's other
    messages name hosts and ask people to write to Stripe's support, so they go to the log."""
    if isinstance(error, stripe.CardError) and error.user_message:
        return GatewayError(error.user_message)
    log.error("Stripe call failed: %s", error)
    # Lazy: the donor reads it in the page's language, the console records it in the default.
    return GatewayError(_l("The payment service could not be reached."))


def checkout_params(donation: Donation, success_url: str, cancel_url: str) -> dict:
    """What Stripe Checkout is asked for: price_data always (customer-chosen amounts), in the
    donor's language where Stripe has it."""
    appeal = donation.appeal
    metadata = {"donation_id": str(donation.id), "appeal": appeal.slug}
    price_data = {
        "currency": donation.currency,
        "unit_amount": donation.amount,
        # The checkout page shows this line: asked for while the donor's page is rendered.
        "product_data": {"name": _("Donation: %(appeal)s", appeal=appeal.title)},
    }
    params = {
        "line_items": [{"quantity": 1, "price_data": price_data}],
        "success_url": f"{success_url}?session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": cancel_url,
        "client_reference_id": str(donation.id),
        "metadata": metadata,
        "locale": stripe_locale(donation.language),
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
    """Stripe's API with our secret key; without one (production without keys) it takes no
    gifts, and still accepts webhooks signed with the webhook secret."""

    test_mode = False

    def __init__(
        self,
        secret_key: str | None,
        webhook_secret: str | None,
        api_base: str | None = None,
        timeout: float = 15,
    ) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.api_base = api_base
        self.timeout = timeout

    def _client(self) -> stripe.StripeClient:
        # Made when a call needs it: pages ask the gateway only whether it is a test one.
        if not self.secret_key:
            raise GatewayError(NOT_SET_UP)
        return stripe.StripeClient(
            self.secret_key,
            base_addresses={"api": self.api_base} if self.api_base else None,
            max_network_retries=2,  # safe: every create carries an idempotency key
            # A donor is waiting on this request: not the SDK's default 80 seconds.
            http_client=stripe.RequestsClient(timeout=self.timeout),
        )

    def create_checkout(
        self, donation: Donation, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        params = checkout_params(donation, success_url, cancel_url)
        try:
            session = self._client().v1.checkout.sessions.create(
                params=params, options={"idempotency_key": checkout_idempotency_key(donation)}
            )
        except stripe.StripeError as error:
            raise _refusal(error) from error
        return CheckoutSession(id=session.id, url=session.url)

    def create_portal(self, customer_id: str, return_url: str, language: str) -> str:
        params = {
            "customer": customer_id,
            "return_url": return_url,
            "locale": stripe_locale(language, PORTAL_LOCALES),
        }
        try:
            session = self._client().v1.billing_portal.sessions.create(
                params=params,
                options={"idempotency_key": f"portal-{customer_id}-{uuid.uuid4().hex}"},
            )
        except stripe.StripeError as error:
            raise _refusal(error) from error
        return session.url

    def cancel_subscription(self, subscription_id: str) -> None:
        try:
            self._client().v1.subscriptions.cancel(subscription_id)
        except stripe.StripeError as error:
            raise _refusal(error) from error

    def verify_event(self, payload: bytes, signature: str | None) -> ReceivedEvent:
        return events.verify(payload, signature, self.webhook_secret)
