"""Stripe webhooks, the only source of truth about money.

`receive()` verifies the signature (stripe's check, construct_event's default tolerance),
records the event id (a repeat changes nothing, even when two deliveries race), and applies
the event. Each donation row carries Stripe's ids as unique columns, so two different events
about one payment (checkout.session.completed and invoice.paid for a first monthly payment,
say) can never count it twice.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Callable

import stripe
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.addresses import InvalidEmail
from campaign.audience.subscriptions import request_subscription
from campaign.db import utcnow
from campaign.donations.models import Donation, DonationStatus, Interval
from campaign.donations.receipts import send_receipt
from campaign.donations.stripe_gateway import local_checkout_allowed
from campaign.extensions import db
from campaign.webhooks.dedupe import first_delivery

log = logging.getLogger(__name__)

PROVIDER = "stripe"


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


def receive(payload: bytes, signature: str | None) -> str:
    """Verify, record and apply one webhook delivery; returns "processed" or "duplicate"."""
    secret = webhook_secret()
    if not secret:
        log.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set")
        raise WebhookRefused(503, "Webhook not configured.")
    if not signature:
        raise WebhookRefused(400, "Missing Stripe-Signature header.")
    try:
        # construct_event's check and tolerance, without its Event object: that one fails
        # with an AttributeError (a 500) on a signed body that is JSON but not an object.
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        raise WebhookRefused(400, "The signature does not match, or is too old.") from None
    except ValueError:
        raise WebhookRefused(400, "The body is not valid JSON.") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookRefused(400, "The body is not a Stripe event.")
    if not first_delivery(PROVIDER, event["id"], event["type"]):
        db.session.commit()
        return "duplicate"
    handler = HANDLERS.get(event["type"])
    if handler is not None:
        handler(event.get("data", {}).get("object") or {})
    db.session.commit()
    return "processed"


# --- finding our rows -------------------------------------------------------------------


def _by(column, value) -> Donation | None:
    if not value:
        return None
    return db.session.scalar(select(Donation).where(column == value))


def _metadatas(obj: dict) -> list[dict]:
    """The object's metadata, and its subscription's (where an invoice keeps ours)."""
    details = obj.get("subscription_details") or (obj.get("parent") or {}).get(
        "subscription_details"
    )
    return [obj.get("metadata") or {}, (details or {}).get("metadata") or {}]


def _donation_id_from(obj: dict) -> int | None:
    candidates = [obj.get("client_reference_id")]
    candidates += [metadata.get("donation_id") for metadata in _metadatas(obj)]
    for candidate in candidates:
        if candidate and str(candidate).isdigit():
            return int(candidate)
    return None


def _named_donation(obj: dict) -> Donation | None:
    """The donation whose id the object carries, unless the object names another appeal: a
    second site on the same Stripe account (a staging copy) numbers its donations too."""
    donation_id = _donation_id_from(obj)
    donation = db.session.get(Donation, donation_id) if donation_id else None
    if donation is None:
        return None
    appeals = {metadata["appeal"] for metadata in _metadatas(obj) if metadata.get("appeal")}
    if appeals and appeals != {donation.appeal.slug}:
        log.warning("Stripe %s names donation %s of another appeal", obj.get("id"), donation.id)
        return None
    return donation


def _session_donation(session: dict) -> Donation | None:
    donation = _by(Donation.checkout_session_id, session.get("id"))
    if donation is None:
        donation = _named_donation(session)
        if donation is not None and donation.checkout_session_id not in (None, session.get("id")):
            return None  # another checkout of the same donation: not this one
    return donation


def _subscription_id(obj: dict) -> str | None:
    if obj.get("subscription"):
        return obj["subscription"]
    details = (obj.get("parent") or {}).get("subscription_details") or {}
    return details.get("subscription")


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


def _take_donor(donation: Donation, details: dict | None) -> None:
    details = details or {}
    donation.donor_email = donation.donor_email or (details.get("email") or "")[:254]
    donation.donor_name = donation.donor_name or (details.get("name") or "")[:200]


def _as_asked(donation: Donation, obj: dict, amount_key: str) -> bool:
    """True unless the object says another amount or currency was paid than this donation's.

    Such a payment is not counted (an appeal's total is in its own currency): the row keeps
    its status, with a note for the organiser to look at it in Stripe."""
    conversion = obj.get("currency_conversion") or {}
    if conversion.get("source_currency"):
        # Adaptive Pricing before API version 2025-03-31: ours under currency_conversion.
        currency, amount = conversion["source_currency"], conversion.get("amount_total")
    else:
        currency, amount = obj.get("currency"), obj.get(amount_key)
    currency = str(currency).lower() if currency else donation.currency
    amount = donation.amount if amount is None else amount
    if (amount, currency) == (donation.amount, donation.currency.lower()):
        return True
    log.warning(
        "Stripe %s says %s %s was paid for donation %s of %s %s",
        obj.get("id"),
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


def checkout_completed(session: dict) -> None:
    donation = _session_donation(session)
    if donation is None:
        log.warning("checkout session %s names no donation of ours", session.get("id"))
        return
    if not _as_asked(donation, session, "amount_total"):
        return
    _set_ids(donation, checkout_session_id=session.get("id"), customer_id=session.get("customer"))
    _take_donor(donation, session.get("customer_details"))
    if session.get("mode") == "subscription":
        _set_ids(donation, subscription_id=session.get("subscription"))
        donation.subscription_status = donation.subscription_status or "active"
        if session.get("payment_status") == "paid":
            _set_ids(donation, invoice_id=session.get("invoice"))
    else:
        _set_ids(donation, payment_intent_id=session.get("payment_intent"))
    if session.get("payment_status") == "paid":
        mark_paid(donation)


def async_payment_succeeded(session: dict) -> None:
    donation = _session_donation(session)
    if donation is not None and _as_asked(donation, session, "amount_total"):
        _set_ids(donation, payment_intent_id=session.get("payment_intent"))
        _take_donor(donation, session.get("customer_details"))
        mark_paid(donation)


def async_payment_failed(session: dict) -> None:
    donation = _session_donation(session)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.FAILED
        donation.failure_reason = "The bank did not complete the payment."


def checkout_expired(session: dict) -> None:
    donation = _session_donation(session)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.CANCELLED


def invoice_paid(invoice: dict) -> None:
    """The first payment of a monthly gift, or a renewal: each its own paid row."""
    known = _by(Donation.invoice_id, invoice.get("id"))
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
        log.warning("invoice %s names no monthly gift of ours", invoice.get("id"))
        return
    if first.invoice_id is None and invoice.get("billing_reason") == "subscription_create":
        if not _as_asked(first, invoice, "amount_paid"):
            return
        _set_ids(
            first,
            invoice_id=invoice.get("id"),
            subscription_id=subscription_id,
            customer_id=invoice.get("customer"),
        )
        # This may come before checkout.session.completed: the receipt needs an address now.
        _take_donor(
            first, {"email": invoice.get("customer_email"), "name": invoice.get("customer_name")}
        )
        mark_paid(first)
        return
    amount = invoice.get("amount_paid")
    if amount == 0:
        # Paid from a credit balance or a coupon: nothing was given this month.
        log.info("invoice %s of donation %s took no money", invoice.get("id"), first.id)
        return
    renewal = Donation(
        appeal_id=first.appeal_id,
        amount=first.amount if amount is None else amount,
        currency=(invoice.get("currency") or first.currency).lower(),
        interval=Interval.MONTH,
        donor_name=first.donor_name,
        donor_email=first.donor_email,
        subscription_id=subscription_id,
        customer_id=invoice.get("customer") or first.customer_id,
        first_donation_id=first.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(renewal)
            renewal.invoice_id = invoice.get("id")
            db.session.flush()
    except IntegrityError:
        return  # a racing delivery of another event about this invoice made the row
    _set_ids(renewal, payment_intent_id=invoice.get("payment_intent"))
    if first.subscription_status == "past_due":
        # Stripe's retry paid: the gift runs again (a cancelled one stays cancelled).
        first.subscription_status = "active"
        first.failure_reason = None
    mark_paid(renewal)


def invoice_payment_paid(payment: dict) -> None:
    """Which payment intent paid an invoice: what a later refund or dispute names."""
    donation = _by(Donation.invoice_id, payment.get("invoice"))
    intent = (payment.get("payment") or {}).get("payment_intent")
    if donation is not None and intent:
        _set_ids(donation, payment_intent_id=intent)


def invoice_payment_failed(invoice: dict) -> None:
    first = _first_of_subscription(_subscription_id(invoice))
    # A cancelled gift stays cancelled: Stripe's last failed retry may be reported after the
    # cancellation it caused.
    if first is not None and first.subscription_status != "cancelled":
        first.subscription_status = "past_due"
        first.failure_reason = "A monthly payment failed; Stripe will try again."


def subscription_deleted(subscription: dict) -> None:
    first = _first_of_subscription(subscription.get("id"))
    if first is not None:
        first.subscription_status = "cancelled"


def _charged_donation(charge: dict) -> Donation | None:
    return (
        _by(Donation.charge_id, charge.get("id"))
        or _by(Donation.payment_intent_id, charge.get("payment_intent"))
        or _by(Donation.invoice_id, charge.get("invoice"))
    )


def charge_refunded(charge: dict) -> None:
    """A full or partial refund comes off what the donation counts."""
    donation = _charged_donation(charge)
    if donation is None:
        return
    _set_ids(donation, charge_id=charge.get("id"))
    refunded = min(int(charge.get("amount_refunded") or 0), donation.amount)
    donation.amount_refunded = max(donation.amount_refunded, refunded)
    if donation.amount_refunded >= donation.amount:
        donation.status = DonationStatus.REFUNDED


def _disputed_donation(dispute: dict) -> Donation | None:
    return _by(Donation.charge_id, dispute.get("charge")) or _by(
        Donation.payment_intent_id, dispute.get("payment_intent")
    )


def dispute_created(dispute: dict) -> None:
    donation = _disputed_donation(dispute)
    if donation is not None and donation.status == DonationStatus.PAID:
        _set_ids(donation, charge_id=dispute.get("charge"))
        donation.status = DonationStatus.DISPUTED


def dispute_closed(dispute: dict) -> None:
    donation = _disputed_donation(dispute)
    if donation is None or donation.status != DonationStatus.DISPUTED:
        return
    # warning_closed: an inquiry that never became a chargeback; no money was taken.
    if dispute.get("status") in ("won", "warning_closed"):
        donation.status = DonationStatus.PAID
    else:
        donation.status = DonationStatus.REFUNDED
        donation.amount_refunded = donation.amount
        donation.failure_reason = "The card holder's dispute was upheld."


HANDLERS: dict[str, Callable[[dict], None]] = {
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
