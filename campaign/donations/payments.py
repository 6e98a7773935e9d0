"""Stripe webhooks, the only source of truth about money.

`receive()` verifies the signature (stripe's check, construct_event's default tolerance,
and as far into the future), records the event id (a repeat changes nothing, even when two
deliveries race), and applies the event. Each donation row carries Stripe's ids as unique
columns, so two different events about one payment (checkout.session.completed and
invoice.paid for a first monthly payment, say) can never count it twice.

Handlers read the event's object through `Fields`. A value of the wrong shape in what decides
the outcome (Stripe's ids, amounts, currencies, statuses, its nested objects) makes the event
unusable: recorded with the reason and acknowledged, never half applied. Our own donation id
that is not a number of ours names no donation; a donor's name or address that cannot be
stored is not taken (the payment still counts, and the receipt has nowhere to go).
"""

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.addresses import MAX_EMAIL_LENGTH, InvalidEmail
from campaign.db import utcnow
from campaign.donations.models import Donation, DonationStatus, Interval
from campaign.donations.receipts import send_receipt
from campaign.donations.stripe_gateway import local_checkout_allowed
from campaign.extensions import db
from campaign.subscribers.subscriptions import request_subscription
from campaign.webhooks.dedupe import apply_once, identify
from campaign.webhooks.fields import INT32_MAX, Fields, UnusableEvent, nested_too_deeply

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


class WebhookRefused(Exception):
    """A webhook call we do not accept; `status` and a reason for the caller."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def local_webhook_secret() -> str:
    """The signing secret the local test checkout uses, derived from SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    return "whsec_local_" + hmac.new(key, b"stripe-local-webhook", hashlib.sha256).hexdigest()[:32]


def webhook_secret() -> str | None:
    configured = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if configured:
        return configured
    return local_webhook_secret() if local_checkout_allowed() else None


def receive(payload: bytes, signature: str | None) -> dict:
    """Verify, record and apply one webhook delivery; the answer for Stripe, with its outcome:
    "processed", "duplicate", or "unusable" / "failed" (then with the reason)."""
    secret = webhook_secret()
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
    handler = HANDLERS.get(identity.event_type)

    def apply() -> None:
        if handler is not None:  # an event type we do not act on is recorded only
            handler(_event_object(event))

    record = apply_once(PROVIDER, identity, apply)
    answer = {"received": True, "outcome": record.outcome if record else "duplicate"}
    if record is not None and record.reason:
        answer["reason"] = record.reason
    db.session.commit()
    return answer


def _event_object(event: dict) -> Fields:
    obj = Fields(event, "event").object("data").object("object")
    if not obj:
        raise UnusableEvent("event.data.object is missing or empty")
    return obj


def _signed_at(signature: str) -> int:
    """The time in a Stripe-Signature header that the SDK just checked, read as it reads it."""
    items = [item.split("=", 2) for item in signature.split(",")]
    return int(next(item[1] for item in items if item[0] == "t"))


# --- finding our rows -------------------------------------------------------------------


def _by(column, value: str | None) -> Donation | None:
    if not value:
        return None
    return db.session.scalar(select(Donation).where(column == value))


def _stripe_id(obj: Fields, key: str) -> str | None:
    return obj.text(key, STRIPE_ID_LENGTH)


def _metadatas(obj: Fields) -> list[Fields]:
    """The object's metadata, and its subscription's (where an invoice keeps ours)."""
    details = obj.object("subscription_details") or obj.object("parent").object(
        "subscription_details"
    )
    return [obj.object("metadata"), details.object("metadata")]


def _donation_id_from(obj: Fields) -> int | None:
    candidates = [obj.our_id("client_reference_id", INT32_MAX)]
    candidates += [metadata.our_id("donation_id", INT32_MAX) for metadata in _metadatas(obj)]
    return next((candidate for candidate in candidates if candidate), None)


def _named_donation(obj: Fields) -> Donation | None:
    """The donation whose id the object carries, unless the object names another appeal: a
    second site on the same Stripe account (a staging copy) numbers its donations too."""
    donation_id = _donation_id_from(obj)
    donation = db.session.get(Donation, donation_id) if donation_id else None
    if donation is None:
        return None
    appeals = {metadata.text("appeal", APPEAL_SLUG_LENGTH) for metadata in _metadatas(obj)}
    appeals.discard(None)
    if appeals and appeals != {donation.appeal.slug}:
        log.warning(
            "Stripe %s names donation %s of another appeal", _stripe_id(obj, "id"), donation.id
        )
        return None
    return donation


def _session_donation(session: Fields) -> Donation | None:
    session_id = _stripe_id(session, "id")
    donation = _by(Donation.checkout_session_id, session_id)
    if donation is None:
        donation = _named_donation(session)
        if donation is not None and donation.checkout_session_id not in (None, session_id):
            return None  # another checkout of the same donation: not this one
    return donation


def _subscription_id(obj: Fields) -> str | None:
    return _stripe_id(obj, "subscription") or _stripe_id(
        obj.object("parent").object("subscription_details"), "subscription"
    )


def _first_of_subscription(subscription_id: str | None) -> Donation | None:
    if not subscription_id:
        return None
    return db.session.scalar(
        select(Donation).where(
            Donation.subscription_id == subscription_id, Donation.first_donation_id.is_(None)
        )
    )


def _set_ids(donation: Donation, **ids: str | None) -> None:
    """Copy Stripe ids onto the row, unless another row already holds one (then log it)."""
    for name, value in ids.items():
        if not value or getattr(donation, name) == value:
            continue
        previous = getattr(donation, name)
        try:
            with db.session.begin_nested():
                setattr(donation, name, value)
                db.session.flush()
        except IntegrityError:
            setattr(donation, name, previous)
            log.warning("Stripe %s %s already belongs to another donation", name, value)


def _take_donor(donation: Donation, details: Fields, email_key: str, name_key: str) -> None:
    """The donor's address and name for the receipt, when Stripe gave ones we can store."""
    email = details.text(email_key, MAX_EMAIL_LENGTH, strict=False)
    name = details.text(name_key, DONOR_NAME_LENGTH, strict=False)
    donation.donor_email = donation.donor_email or email or ""
    donation.donor_name = donation.donor_name or name or ""


def _session_donor(donation: Donation, session: Fields) -> None:
    details = session.object("customer_details", strict=False)
    _take_donor(donation, details, "email", "name")


def _as_asked(donation: Donation, obj: Fields, amount_key: str) -> bool:
    """True unless the object says another amount or currency was paid than this donation's.

    Such a payment is not counted (an appeal's total is in its own currency): the row keeps
    its status, with a note for the organiser to look at it in Stripe."""
    conversion = obj.object("currency_conversion")
    currency = conversion.text("source_currency", CURRENCY_LENGTH)
    if currency:
        # Adaptive Pricing before API version 2025-03-31: ours under currency_conversion.
        amount = conversion.whole_number("amount_total")
    else:
        currency, amount = obj.text("currency", CURRENCY_LENGTH), obj.whole_number(amount_key)
    currency = currency.lower() if currency else donation.currency
    amount = donation.amount if amount is None else amount
    if (amount, currency) == (donation.amount, donation.currency.lower()):
        return True
    log.warning(
        "Stripe %s says %s %s was paid for donation %s of %s %s",
        _stripe_id(obj, "id"),
        amount,
        currency,
        donation.id,
        donation.amount,
        donation.currency,
    )
    donation.failure_reason = (
        f"Stripe reported {amount} {currency.upper()} (minor units) for this "
        f"{donation.amount} {donation.currency.upper()} gift: check it in the Stripe dashboard."
    )
    return False


# --- what makes a donation paid, refunded, cancelled ------------------------------------


def mark_paid(donation: Donation) -> bool:
    """Paid now, with a receipt; False if it already was (or was refunded or disputed)."""
    # checkout.session.completed and invoice.paid for one payment often arrive together:
    # read the row again under a lock, so the second of them sees the first one's commit.
    db.session.flush()
    db.session.refresh(donation, with_for_update=True)
    if donation.status in (DonationStatus.PAID, DonationStatus.REFUNDED, DonationStatus.DISPUTED):
        return False
    donation.status = DonationStatus.PAID
    donation.paid_at = utcnow()
    donation.failure_reason = None
    db.session.flush()
    send_receipt(donation)
    if donation.subscribe and donation.donor_email and donation.first_donation_id is None:
        # Stripe took the address, we did not confirm it: double opt-in as for anyone.
        try:
            request_subscription(
                donation.donor_email,
                donation.donor_name,
                source=f"donation:{donation.appeal.slug}",
                language=donation.appeal.campaign.language,
                campaign=donation.appeal.campaign,
                consent_text=donation.consent_text,
            )
        except InvalidEmail:
            log.warning("donation %s: Stripe gave an address we cannot use", donation.id)
    return True


def _status(obj: Fields, key: str) -> str | None:
    return obj.text(key, STATUS_LENGTH)


def checkout_completed(session: Fields) -> None:
    donation = _session_donation(session)
    if donation is None:
        log.warning("checkout session %s names no donation of ours", _stripe_id(session, "id"))
        return
    if not _as_asked(donation, session, "amount_total"):
        return
    _set_ids(
        donation,
        checkout_session_id=_stripe_id(session, "id"),
        customer_id=_stripe_id(session, "customer"),
    )
    _session_donor(donation, session)
    paid = _status(session, "payment_status") == "paid"
    if _status(session, "mode") == "subscription":
        _set_ids(donation, subscription_id=_stripe_id(session, "subscription"))
        donation.subscription_status = donation.subscription_status or "active"
        if paid:
            _set_ids(donation, invoice_id=_stripe_id(session, "invoice"))
    else:
        _set_ids(donation, payment_intent_id=_stripe_id(session, "payment_intent"))
    if paid:
        mark_paid(donation)


def async_payment_succeeded(session: Fields) -> None:
    donation = _session_donation(session)
    if donation is not None and _as_asked(donation, session, "amount_total"):
        _set_ids(donation, payment_intent_id=_stripe_id(session, "payment_intent"))
        _session_donor(donation, session)
        mark_paid(donation)


def async_payment_failed(session: Fields) -> None:
    donation = _session_donation(session)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.FAILED
        donation.failure_reason = "The bank did not complete the payment."


def checkout_expired(session: Fields) -> None:
    donation = _session_donation(session)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.CANCELLED


def invoice_paid(invoice: Fields) -> None:
    """The first payment of a monthly gift, or a renewal: each its own paid row."""
    invoice_id = _stripe_id(invoice, "id")
    known = _by(Donation.invoice_id, invoice_id)
    if known is not None:
        mark_paid(known)
        return
    subscription_id = _subscription_id(invoice)
    first = _first_of_subscription(subscription_id)
    if first is None:
        first = _named_donation(invoice)
        if first is not None and (
            first.interval != Interval.MONTH
            or first.first_donation_id is not None
            or first.subscription_id not in (None, subscription_id)
        ):
            first = None  # not the start of this monthly gift
    if first is None:
        log.warning("invoice %s names no monthly gift of ours", invoice_id)
        return
    customer_id = _stripe_id(invoice, "customer")
    if first.invoice_id is None and _status(invoice, "billing_reason") == "subscription_create":
        if not _as_asked(first, invoice, "amount_paid"):
            return
        _set_ids(
            first, invoice_id=invoice_id, subscription_id=subscription_id, customer_id=customer_id
        )
        # This may come before checkout.session.completed: the receipt needs an address now.
        _take_donor(first, invoice, "customer_email", "customer_name")
        mark_paid(first)
        return
    amount = invoice.whole_number("amount_paid")
    if amount == 0:
        # Paid from a credit balance or a coupon: nothing was given this month.
        log.info("invoice %s of donation %s took no money", invoice_id, first.id)
        return
    currency = invoice.text("currency", CURRENCY_LENGTH)
    renewal = Donation(
        appeal_id=first.appeal_id,
        amount=first.amount if amount is None else amount,
        currency=(currency or first.currency).lower(),
        interval=Interval.MONTH,
        donor_name=first.donor_name,
        donor_email=first.donor_email,
        subscription_id=subscription_id,
        customer_id=customer_id or first.customer_id,
        first_donation_id=first.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(renewal)
            renewal.invoice_id = invoice_id
            db.session.flush()
    except IntegrityError:
        return  # a racing delivery of another event about this invoice made the row
    _set_ids(renewal, payment_intent_id=_stripe_id(invoice, "payment_intent"))
    if first.subscription_status == "past_due":
        # Stripe's retry paid: the gift runs again (a cancelled one stays cancelled).
        first.subscription_status = "active"
        first.failure_reason = None
    mark_paid(renewal)


def invoice_payment_paid(payment: Fields) -> None:
    """Which payment intent paid an invoice: what a later refund or dispute names."""
    donation = _by(Donation.invoice_id, _stripe_id(payment, "invoice"))
    intent = _stripe_id(payment.object("payment"), "payment_intent")
    if donation is not None and intent:
        _set_ids(donation, payment_intent_id=intent)


def invoice_payment_failed(invoice: Fields) -> None:
    first = _first_of_subscription(_subscription_id(invoice))
    # A cancelled gift stays cancelled: Stripe's last failed retry may be reported after the
    # cancellation it caused.
    if first is not None and first.subscription_status != "cancelled":
        first.subscription_status = "past_due"
        first.failure_reason = "A monthly payment failed; Stripe will try again."


def subscription_deleted(subscription: Fields) -> None:
    first = _first_of_subscription(_stripe_id(subscription, "id"))
    if first is not None:
        first.subscription_status = "cancelled"


def _charged_donation(charge: Fields) -> Donation | None:
    return (
        _by(Donation.charge_id, _stripe_id(charge, "id"))
        or _by(Donation.payment_intent_id, _stripe_id(charge, "payment_intent"))
        or _by(Donation.invoice_id, _stripe_id(charge, "invoice"))
    )


def charge_refunded(charge: Fields) -> None:
    """A full or partial refund comes off what the donation counts."""
    donation = _charged_donation(charge)
    if donation is None:
        return
    _set_ids(donation, charge_id=_stripe_id(charge, "id"))
    refunded = min(charge.whole_number("amount_refunded") or 0, donation.amount)
    donation.amount_refunded = max(donation.amount_refunded, refunded)
    if donation.amount_refunded >= donation.amount:
        donation.status = DonationStatus.REFUNDED


def _disputed_donation(dispute: Fields) -> Donation | None:
    return _by(Donation.charge_id, _stripe_id(dispute, "charge")) or _by(
        Donation.payment_intent_id, _stripe_id(dispute, "payment_intent")
    )


def dispute_created(dispute: Fields) -> None:
    donation = _disputed_donation(dispute)
    if donation is not None and donation.status == DonationStatus.PAID:
        _set_ids(donation, charge_id=_stripe_id(dispute, "charge"))
        donation.status = DonationStatus.DISPUTED


def dispute_closed(dispute: Fields) -> None:
    donation = _disputed_donation(dispute)
    if donation is None or donation.status != DonationStatus.DISPUTED:
        return
    # warning_closed: an inquiry that never became a chargeback; no money was taken.
    if _status(dispute, "status") in ("won", "warning_closed"):
        donation.status = DonationStatus.PAID
    else:
        donation.status = DonationStatus.REFUNDED
        donation.amount_refunded = donation.amount
        donation.failure_reason = "The card holder's dispute was upheld."


HANDLERS: dict[str, Callable[[Fields], None]] = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": async_payment_succeeded,
    "checkout.session.async_payment_failed": async_payment_failed,
    "checkout.session.expired": checkout_expired,
    "invoice.paid": invoice_paid,
    "invoice.payment_failed": invoice_payment_failed,
    "invoice_payment.paid": invoice_payment_paid,
    "customer.subscription.deleted": subscription_deleted,
    "charge.refunded": charge_refunded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
}
