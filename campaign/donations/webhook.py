"""What the payment gateway's webhooks do to our donations: the only source of truth about money.

`receive()` has the gateway verify a delivery and read it into our event types
(campaign/donations/gateway.py), records the event id (a repeat changes nothing, even when two
deliveries race), and applies the event. Each donation row carries the gateway's ids as unique
columns, so two different events about one payment (a completed checkout and the paid invoice
of a first monthly payment, say) can never count it twice.
"""

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaign.addresses import InvalidEmail
from campaign.db import utcnow
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
    Gateway,
    InvoicePaid,
    InvoicePaymentFailed,
    InvoicePaymentFound,
    PaymentEvent,
    SubscriptionCancelled,
)
from campaign.donations.models import Donation, DonationStatus, Interval, SubscriptionStatus
from campaign.donations.receipts import send_receipt
from campaign.extensions import db
from campaign.subscribers.subscriptions import request_subscription
from campaign.webhooks.dedupe import apply_once

log = logging.getLogger(__name__)


def receive(gateway: Gateway, payload: bytes, signature: str | None) -> dict:
    """Verify, record and apply one webhook delivery, and commit; the answer for the gateway,
    with its outcome: "processed", "duplicate", or "unusable" / "failed" (then with the
    reason). WebhookRefused when the gateway does not accept it.

    A webhook's receipt commits itself (SendGrid's does too), and is one of the few steps that
    do: the local test checkout delivers its events from inside other requests.
    """
    received = gateway.verify_event(payload, signature)

    def apply_event() -> None:
        if received.event is not None:  # an event type we do not act on is recorded only
            apply(received.event)

    record = apply_once(received.provider, received.identity, apply_event)
    answer = {"received": True, "outcome": record.outcome if record else "duplicate"}
    if record is not None and record.reason:
        answer["reason"] = record.reason
    db.session.commit()
    return answer


def apply(event: PaymentEvent) -> None:
    """What one event does to our donations."""
    match event:
        case CheckoutEvent(change=CheckoutChange.COMPLETED):
            checkout_completed(event.checkout)
        case CheckoutEvent(change=CheckoutChange.PAID_LATER):
            checkout_paid_later(event.checkout)
        case CheckoutEvent(change=CheckoutChange.PAYMENT_FAILED):
            checkout_payment_failed(event.checkout)
        case CheckoutEvent(change=CheckoutChange.EXPIRED):
            checkout_expired(event.checkout)
        case InvoicePaid():
            invoice_paid(event)
        case InvoicePaymentFound():
            invoice_payment_found(event)
        case InvoicePaymentFailed():
            invoice_payment_failed(event)
        case SubscriptionCancelled():
            subscription_cancelled(event)
        case ChargeRefunded():
            charge_refunded(event)
        case DisputeOpened():
            dispute_opened(event)
        case DisputeClosed():
            dispute_closed(event)


# --- finding our rows -------------------------------------------------------------------


def _by(column, value: str | None) -> Donation | None:
    if not value:
        return None
    return db.session.scalar(select(Donation).where(column == value))


def _named_donation(reference: DonationReference, source_id: str | None) -> Donation | None:
    """The donation whose id the payment carries, unless it names another appeal: a second
    site on the same Stripe account (a staging copy) numbers its donations too."""
    donation_id = reference.donation_id()
    donation = db.session.get(Donation, donation_id) if donation_id else None
    if donation is None:
        return None
    appeals = reference.appeals()
    if appeals and appeals != {donation.appeal.slug}:
        log.warning("Stripe %s names donation %s of another appeal", source_id, donation.id)
        return None
    return donation


def _session_donation(checkout: Checkout) -> Donation | None:
    session_id = checkout.session_id()
    donation = _by(Donation.checkout_session_id, session_id)
    if donation is None:
        donation = _named_donation(checkout.reference, session_id)
        if donation is not None and donation.checkout_session_id not in (None, session_id):
            return None  # another checkout of the same donation: not this one
    return donation


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


def _take_donor(donation: Donation, donor: Donor) -> None:
    """The donor's address and name for the receipt, when the payment gave them."""
    donation.donor_email = donation.donor_email or donor.email or ""
    donation.donor_name = donation.donor_name or donor.name or ""


def _as_asked(donation: Donation, paid: Amount, source_id: str | None) -> bool:
    """True unless the payment says another amount or currency was paid than this donation's.

    Such a payment is not counted (an appeal's total is in its own currency): the row keeps
    its status, with a note for the organiser to look at it in Stripe."""
    currency, amount = paid.currency(), paid.amount()
    currency = currency.lower() if currency else donation.currency
    amount = donation.amount if amount is None else amount
    if (amount, currency) == (donation.amount, donation.currency.lower()):
        return True
    log.warning(
        "Stripe %s says %s %s was paid for donation %s of %s %s",
        source_id,
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
    # A completed checkout and the paid invoice of one payment often arrive together: read
    # the row again under a lock, so the second of them sees the first one's commit.
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
        # The payment page took the address, we did not confirm it: double opt-in as for anyone.
        try:
            request_subscription(
                donation.donor_email,
                donation.donor_name,
                source=f"donation:{donation.appeal.slug}",
                language=donation.language,  # the confirmation is in the language given in
                campaign=donation.appeal.campaign,
                consent_text=donation.consent_text,
            )
        except InvalidEmail:
            log.warning("donation %s: Stripe gave an address we cannot use", donation.id)
    return True


def checkout_completed(checkout: Checkout) -> None:
    donation = _session_donation(checkout)
    session_id = checkout.session_id()
    if donation is None:
        log.warning("checkout session %s names no donation of ours", session_id)
        return
    if not _as_asked(donation, checkout.paid, session_id):
        return
    _set_ids(donation, checkout_session_id=session_id, customer_id=checkout.customer_id())
    _take_donor(donation, checkout.donor())
    money_taken = checkout.money_taken()
    if checkout.monthly():
        _set_ids(donation, subscription_id=checkout.subscription_id())
        donation.subscription_status = donation.subscription_status or SubscriptionStatus.ACTIVE
        if money_taken:
            _set_ids(donation, invoice_id=checkout.invoice_id())
    else:
        _set_ids(donation, payment_intent_id=checkout.payment_intent_id())
    if money_taken:
        mark_paid(donation)


def checkout_paid_later(checkout: Checkout) -> None:
    donation = _session_donation(checkout)
    if donation is not None and _as_asked(donation, checkout.paid, checkout.session_id()):
        _set_ids(donation, payment_intent_id=checkout.payment_intent_id())
        _take_donor(donation, checkout.donor())
        mark_paid(donation)


def checkout_payment_failed(checkout: Checkout) -> None:
    donation = _session_donation(checkout)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.FAILED
        donation.failure_reason = "The bank did not complete the payment."


def checkout_expired(checkout: Checkout) -> None:
    donation = _session_donation(checkout)
    if donation is not None and donation.status == DonationStatus.PENDING:
        donation.status = DonationStatus.CANCELLED


def invoice_paid(event: InvoicePaid) -> None:
    """The first payment of a monthly gift, or a renewal: each its own paid row."""
    invoice_id = event.invoice_id()
    known = _by(Donation.invoice_id, invoice_id)
    if known is not None:
        mark_paid(known)
        return
    subscription_id = event.subscription_id()
    first = _first_of_subscription(subscription_id)
    if first is None:
        first = _named_donation(event.reference, invoice_id)
        if first is not None and (
            first.interval != Interval.MONTH
            or first.first_donation_id is not None
            or first.subscription_id not in (None, subscription_id)
        ):
            first = None  # not the start of this monthly gift
    if first is None:
        log.warning("invoice %s names no monthly gift of ours", invoice_id)
        return
    customer_id = event.customer_id()
    if first.invoice_id is None and event.first_payment():
        if not _as_asked(first, event.paid, invoice_id):
            return
        _set_ids(
            first, invoice_id=invoice_id, subscription_id=subscription_id, customer_id=customer_id
        )
        # This may come before the completed checkout: the receipt needs an address now.
        _take_donor(first, event.donor())
        mark_paid(first)
        return
    amount = event.paid.amount()
    if amount == 0:
        # Paid from a credit balance or a coupon: nothing was given this month.
        log.info("invoice %s of donation %s took no money", invoice_id, first.id)
        return
    currency = event.paid.currency()
    renewal = Donation(
        appeal_id=first.appeal_id,
        amount=first.amount if amount is None else amount,
        currency=(currency or first.currency).lower(),
        interval=Interval.MONTH,
        donor_name=first.donor_name,
        donor_email=first.donor_email,
        language=first.language,  # each month's receipt in the language the gift began in
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
    _set_ids(renewal, payment_intent_id=event.payment_intent_id())
    if first.subscription_status == SubscriptionStatus.PAST_DUE:
        # The gateway's retry paid: the gift runs again (a cancelled one stays cancelled).
        first.subscription_status = SubscriptionStatus.ACTIVE
        first.failure_reason = None
    mark_paid(renewal)


def invoice_payment_found(event: InvoicePaymentFound) -> None:
    """Which payment paid an invoice: what a later refund or dispute names."""
    donation = _by(Donation.invoice_id, event.invoice_id())
    intent = event.payment_intent_id()
    if donation is not None and intent:
        _set_ids(donation, payment_intent_id=intent)


def invoice_payment_failed(event: InvoicePaymentFailed) -> None:
    first = _first_of_subscription(event.subscription_id())
    # A cancelled gift stays cancelled: the gateway's last failed retry may be reported after
    # the cancellation it caused.
    if first is not None and first.subscription_status != SubscriptionStatus.CANCELLED:
        first.subscription_status = SubscriptionStatus.PAST_DUE
        first.failure_reason = "A monthly payment failed; Stripe will try again."


def subscription_cancelled(event: SubscriptionCancelled) -> None:
    first = _first_of_subscription(event.subscription_id())
    if first is not None:
        first.subscription_status = SubscriptionStatus.CANCELLED


def _charged_donation(charge: Charge) -> Donation | None:
    return (
        _by(Donation.charge_id, charge.charge_id())
        or _by(Donation.payment_intent_id, charge.payment_intent_id())
        or _by(Donation.invoice_id, charge.invoice_id())
    )


def charge_refunded(event: ChargeRefunded) -> None:
    """A full or partial refund comes off what the donation counts."""
    donation = _charged_donation(event.charge)
    if donation is None:
        return
    _set_ids(donation, charge_id=event.charge.charge_id())
    refunded = min(event.amount_refunded() or 0, donation.amount)
    donation.amount_refunded = max(donation.amount_refunded, refunded)
    if donation.amount_refunded >= donation.amount:
        donation.status = DonationStatus.REFUNDED


def dispute_opened(event: DisputeOpened) -> None:
    donation = _charged_donation(event.charge)
    if donation is not None and donation.status == DonationStatus.PAID:
        _set_ids(donation, charge_id=event.charge.charge_id())
        donation.status = DonationStatus.DISPUTED


def dispute_closed(event: DisputeClosed) -> None:
    donation = _charged_donation(event.charge)
    if donation is None or donation.status != DonationStatus.DISPUTED:
        return
    if event.money_kept():
        donation.status = DonationStatus.PAID
    else:
        donation.status = DonationStatus.REFUNDED
        donation.amount_refunded = donation.amount
        donation.failure_reason = "The card holder's dispute was upheld."
