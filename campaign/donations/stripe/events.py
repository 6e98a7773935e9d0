"""Stripe's webhook deliveries: the signature checked, then each event we act on read into our
own event types (campaign/donations/gateway.py).

`verify()` checks the signature as the SDK's construct_event does (its tolerance, and as far
into the future). The event's values are read through `Fields` when our handlers call for
them: a value of the wrong shape in what decides the outcome (Stripe's ids, amounts,
currencies, statuses, its nested objects) makes the event unusable, recorded with the reason
and acknowledged, never half applied. Our own donation id that is not a number of ours names
no donation; a donor's name or address that cannot be stored is not taken (the payment still
counts, and the receipt has nowhere to go).
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace

import stripe

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.donations.gateway import (
    Amount,
    Charge,
    ChargeRefunded,
    Checkout,
    CheckoutChange,
    CheckoutEvent,
    DisputeClosed,
    DisputeOpened,
    DonationReference,
    Donor,
    InvoicePaid,
    InvoicePaymentFailed,
    InvoicePaymentFound,
    PaymentEvent,
    Read,
    ReceivedEvent,
    SubscriptionCancelled,
)
from campaign.webhooks.dedupe import identify
from campaign.webhooks.fields import INT32_MAX, Fields, UnusableEvent, nested_too_deeply
from campaign.webhooks.refusal import WebhookRefused

log = logging.getLogger(__name__)

PROVIDER = "stripe"
# Signatures older than this, or dated further ahead (a sender's clock, or a forged replay
# window), are refused: five minutes, construct_event's default.
SIGNATURE_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE
STRIPE_ID_LENGTH = 255  # the donation columns that hold Stripe's ids
STATUS_LENGTH = 40  # Stripe's enum values (payment_status, billing_reason …) are short
CURRENCY_LENGTH = 3
APPEAL_SLUG_LENGTH = 500  # what Stripe allows in a metadata value; ours are shorter
DONOR_NAME_LENGTH = 200  # donations.donor_name


def verify(payload: bytes, signature: str | None, secret: str | None) -> ReceivedEvent:
    """Check a delivery signed with `secret` and read its event; WebhookRefused if it is not
    one Stripe signed (or no secret is set)."""
    if not secret:
        log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        raise WebhookRefused(503, "Webhook not configured.")
    if not signature:
        raise WebhookRefused(400, "Missing Stripe-Signature header.")
    if not signature.isascii():
        # The SDK's comparison raises TypeError on other characters.
        raise WebhookRefused(400, "The Stripe-Signature header is not ASCII.")
    try:
        # construct_event's check and tolerance, without its Event object: that one fails
        # with an AttributeError (a 500) on a signed body that is JSON but not an object.
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS
        )
        if _signed_at(signature) > time.time() + SIGNATURE_TOLERANCE_SECONDS:
            raise WebhookRefused(400, "The signature's timestamp is in the future.")
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        raise WebhookRefused(400, "The signature does not match, or is too old.") from None
    except (ValueError, RecursionError):
        raise WebhookRefused(400, "The body is not valid JSON.") from None
    if not isinstance(event, dict):
        raise WebhookRefused(400, "The body is not a Stripe event.")
    if nested_too_deeply(event):
        raise WebhookRefused(400, "The body is nested too deeply to be a Stripe event.")
    identity = identify(event, "id", "type", lambda: payload)
    read = READERS.get(identity.event_type)
    if read is None or identity.problem:  # an event type we do not act on is recorded only
        return ReceivedEvent(PROVIDER, identity, None)
    try:
        return ReceivedEvent(PROVIDER, identity, read(_event_object(event)))
    except UnusableEvent as unusable:
        return ReceivedEvent(PROVIDER, replace(identity, problem=str(unusable)), None)


def signature_header(payload: str, secret: str) -> str:
    """The Stripe-Signature header Stripe would send with `payload`, signed now."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret)


def _signed_at(signature: str) -> int:
    """The time in a Stripe-Signature header that the SDK just checked, read as it reads it."""
    items = [item.split("=", 2) for item in signature.split(",")]
    return int(next(item[1] for item in items if item[0] == "t"))


def _event_object(event: dict) -> Fields:
    obj = Fields(event, "event").object("data").object("object")
    if not obj:
        raise UnusableEvent("event.data.object is missing or empty")
    return obj


# --- Stripe's objects, in our words -----------------------------------------------------


def _stripe_id(obj: Fields, key: str) -> str | None:
    return obj.text(key, STRIPE_ID_LENGTH)


def _status(obj: Fields, key: str) -> str | None:
    return obj.text(key, STATUS_LENGTH)


def _metadatas(obj: Fields) -> list[Fields]:
    """The object's metadata, and its subscription's (where an invoice keeps ours)."""
    details = obj.object("subscription_details") or obj.object("parent").object(
        "subscription_details"
    )
    return [obj.object("metadata"), details.object("metadata")]


def _donation_id(obj: Fields) -> int | None:
    candidates = [obj.our_id("client_reference_id", INT32_MAX)]
    candidates += [metadata.our_id("donation_id", INT32_MAX) for metadata in _metadatas(obj)]
    return next((candidate for candidate in candidates if candidate), None)


def _appeals(obj: Fields) -> frozenset[str]:
    appeals = {metadata.text("appeal", APPEAL_SLUG_LENGTH) for metadata in _metadatas(obj)}
    appeals.discard(None)
    return frozenset(appeals)


def _reference(obj: Fields) -> DonationReference:
    return DonationReference(lambda: _donation_id(obj), lambda: _appeals(obj))


def _session_paid(session: Fields) -> Amount:
    def converted_currency() -> str | None:
        # Adaptive Pricing before API version 2025-03-31: ours under currency_conversion.
        return session.object("currency_conversion").text("source_currency", CURRENCY_LENGTH)

    def amount() -> int | None:
        if converted_currency():
            return session.object("currency_conversion").whole_number("amount_total")
        return session.whole_number("amount_total")

    return Amount(amount, lambda: converted_currency() or session.text("currency", CURRENCY_LENGTH))


def _invoice_paid_amount(invoice: Fields) -> Amount:
    return Amount(
        lambda: invoice.whole_number("amount_paid"),
        lambda: invoice.text("currency", CURRENCY_LENGTH),
    )


def _donor(details: Fields, email_key: str, name_key: str) -> Donor:
    return Donor(
        email=details.text(email_key, MAX_EMAIL_LENGTH, strict=False),
        name=details.text(name_key, DONOR_NAME_LENGTH, strict=False),
    )


def _session_donor(session: Fields) -> Donor:
    return _donor(session.object("customer_details", strict=False), "email", "name")


def _read_id(obj: Fields, key: str) -> Read[str | None]:
    return lambda: _stripe_id(obj, key)


def _subscription_id(obj: Fields) -> str | None:
    return _stripe_id(obj, "subscription") or _stripe_id(
        obj.object("parent").object("subscription_details"), "subscription"
    )


def _checkout(session: Fields) -> Checkout:
    return Checkout(
        session_id=_read_id(session, "id"),
        reference=_reference(session),
        paid=_session_paid(session),
        donor=lambda: _session_donor(session),
        customer_id=_read_id(session, "customer"),
        money_taken=lambda: _status(session, "payment_status") == "paid",
        monthly=lambda: _status(session, "mode") == "subscription",
        subscription_id=_read_id(session, "subscription"),
        invoice_id=_read_id(session, "invoice"),
        payment_intent_id=_read_id(session, "payment_intent"),
    )


def _checkout_event(change: CheckoutChange) -> Callable[[Fields], CheckoutEvent]:
    return lambda session: CheckoutEvent(change, _checkout(session))


def _invoice_paid(invoice: Fields) -> InvoicePaid:
    return InvoicePaid(
        invoice_id=_read_id(invoice, "id"),
        subscription_id=lambda: _subscription_id(invoice),
        reference=_reference(invoice),
        customer_id=_read_id(invoice, "customer"),
        first_payment=lambda: _status(invoice, "billing_reason") == "subscription_create",
        paid=_invoice_paid_amount(invoice),
        donor=lambda: _donor(invoice, "customer_email", "customer_name"),
        payment_intent_id=_read_id(invoice, "payment_intent"),
    )


def _invoice_payment_paid(payment: Fields) -> InvoicePaymentFound:
    return InvoicePaymentFound(
        invoice_id=_read_id(payment, "invoice"),
        payment_intent_id=lambda: _stripe_id(payment.object("payment"), "payment_intent"),
    )


def _refunded_charge(charge: Fields) -> Charge:
    return Charge(
        _read_id(charge, "id"), _read_id(charge, "payment_intent"), _read_id(charge, "invoice")
    )


def _disputed_charge(dispute: Fields) -> Charge:
    # A dispute names its charge, never an invoice.
    return Charge(_read_id(dispute, "charge"), _read_id(dispute, "payment_intent"), lambda: None)


def _dispute_closed(dispute: Fields) -> DisputeClosed:
    return DisputeClosed(
        charge=_disputed_charge(dispute),
        # warning_closed: an inquiry that never became a chargeback; no money was taken.
        money_kept=lambda: _status(dispute, "status") in ("won", "warning_closed"),
    )


READERS: dict[str, Callable[[Fields], PaymentEvent]] = {
    "checkout.session.completed": _checkout_event(CheckoutChange.COMPLETED),
    "checkout.session.async_payment_succeeded": _checkout_event(CheckoutChange.PAID_LATER),
    "checkout.session.async_payment_failed": _checkout_event(CheckoutChange.PAYMENT_FAILED),
    "checkout.session.expired": _checkout_event(CheckoutChange.EXPIRED),
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": lambda obj: InvoicePaymentFailed(lambda: _subscription_id(obj)),
    "invoice_payment.paid": _invoice_payment_paid,
    "customer.subscription.deleted": lambda obj: SubscriptionCancelled(_read_id(obj, "id")),
    "charge.refunded": lambda obj: ChargeRefunded(
        _refunded_charge(obj), lambda: obj.whole_number("amount_refunded")
    ),
    "charge.dispute.created": lambda obj: DisputeOpened(_disputed_charge(obj)),
    "charge.dispute.closed": _dispute_closed,
}
