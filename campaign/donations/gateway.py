"""The payment gateway, in our words: what donations ask of it and what its events tell us.

Two gateways stand behind this interface, chosen by the settings (campaign/donations/stripe/):
Stripe itself, and without Stripe keys in development the local test checkout. Only the types
below cross it, so the code that takes gifts (giving.py) and applies what comes back
(webhook.py) never sees a Stripe object, and no view knows which gateway it has.

A Protocol rather than a base class: the gateways share no behaviour that is not Stripe's
(and that lives in the stripe package), and, as with the mailer's transports, any object with
these methods is a gateway.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from campaign.donations.models import Donation
from campaign.webhooks.dedupe import Identity

T = TypeVar("T")


class GatewayError(RuntimeError):
    """The payment service refused or could not be reached; nothing was charged. The message
    is a sentence for the donor: a lazy one where it is ours, read in the language it is shown
    in."""


@dataclass(frozen=True)
class CheckoutSession:
    """Where the donor pays: the gateway's id for the session, and the page to send them to."""

    id: str
    url: str


# --- what a verified event says ---------------------------------------------------------
#
# Each value is read from the delivery when a handler calls for it, as it decides what the
# event does: a value of the wrong shape raises UnusableEvent then, and the event is recorded
# as unusable, never half applied; one that nothing needed (an amount of a refund that names
# no donation of ours) changes nothing. A value is None where the event does not say.

Read = Callable[[], T]


@dataclass(frozen=True)
class DonationReference:
    """Our own ids, sent along at checkout and echoed back by the payment."""

    donation_id: Read[int | None]
    # Every appeal slug the payment names: a second site on the same account (a staging copy)
    # numbers its donations too, so an id alone may be another site's.
    appeals: Read[frozenset[str]]


@dataclass(frozen=True)
class Amount:
    """What the payment says was paid, in minor units and its currency."""

    amount: Read[int | None]
    currency: Read[str | None]


@dataclass(frozen=True)
class Donor:
    """The donor's address and name as the payment page took them, when we can store them."""

    email: str | None
    name: str | None


@dataclass(frozen=True)
class Checkout:
    """A checkout session, as each event about it reports it."""

    session_id: Read[str | None]
    reference: DonationReference
    paid: Amount
    donor: Read[Donor]
    customer_id: Read[str | None]
    money_taken: Read[bool]  # False for a bank debit, whose outcome is a later event
    monthly: Read[bool]
    subscription_id: Read[str | None]
    invoice_id: Read[str | None]
    payment_intent_id: Read[str | None]


@dataclass(frozen=True)
class Charge:
    """The card payment a refund or dispute is about, by each id that may name it."""

    charge_id: Read[str | None]
    payment_intent_id: Read[str | None]
    invoice_id: Read[str | None]


class CheckoutChange(StrEnum):
    """What an event says happened to a checkout session."""

    COMPLETED = "completed"  # the donor finished it; the money came with it, or may follow
    PAID_LATER = "paid_later"  # a payment it left pending (a bank debit) went through
    PAYMENT_FAILED = "payment_failed"  # a payment it left pending did not go through
    EXPIRED = "expired"  # the donor left it without paying


@dataclass(frozen=True)
class CheckoutEvent:
    """A checkout session changed."""

    change: CheckoutChange
    checkout: Checkout


@dataclass(frozen=True)
class InvoicePaid:
    """A monthly gift's payment: its first, or a renewal."""

    invoice_id: Read[str | None]
    subscription_id: Read[str | None]
    reference: DonationReference
    customer_id: Read[str | None]
    first_payment: Read[bool]  # the subscription's first invoice, which its checkout reports too
    paid: Amount
    donor: Read[Donor]
    payment_intent_id: Read[str | None]


@dataclass(frozen=True)
class InvoicePaymentFound:
    """Which payment paid an invoice: what a later refund or dispute of it names."""

    invoice_id: Read[str | None]
    payment_intent_id: Read[str | None]


@dataclass(frozen=True)
class InvoicePaymentFailed:
    """A monthly payment failed; the gateway tries again."""

    subscription_id: Read[str | None]


@dataclass(frozen=True)
class SubscriptionCancelled:
    """A monthly gift was stopped: by the donor, or after its payments kept failing."""

    subscription_id: Read[str | None]


@dataclass(frozen=True)
class ChargeRefunded:
    """Some or all of a payment went back to the donor."""

    charge: Charge
    amount_refunded: Read[int | None]  # the whole refunded so far, not this refund alone


@dataclass(frozen=True)
class DisputeOpened:
    """The card holder disputed a payment."""

    charge: Charge


@dataclass(frozen=True)
class DisputeClosed:
    """A dispute ended: the money stays ours, or went back to the card holder."""

    charge: Charge
    money_kept: Read[bool]


PaymentEvent = (
    CheckoutEvent
    | InvoicePaid
    | InvoicePaymentFound
    | InvoicePaymentFailed
    | SubscriptionCancelled
    | ChargeRefunded
    | DisputeOpened
    | DisputeClosed
)


@dataclass(frozen=True)
class ReceivedEvent:
    """A delivery whose signature was checked: how it is recorded, and what it says."""

    provider: str
    identity: Identity  # its problem, if any, is why the event cannot be applied
    event: PaymentEvent | None  # None for an event we only record, or one we cannot apply


class Gateway(Protocol):
    # A stand-in that moves no money: pages say so, and the console offers test events.
    test_mode: bool

    def create_checkout(
        self, donation: Donation, success_url: str, cancel_url: str
    ) -> CheckoutSession:
        """A checkout session for a pending donation; GatewayError if none can be made."""
        ...

    def create_portal(self, customer_id: str, return_url: str, language: str) -> str | None:
        """The page where a monthly donor changes the card or stops the gift, in `language`
        where the gateway has it; None when the gateway has no such page, and our manage page
        stops the gift through it instead."""
        ...

    def cancel_subscription(self, subscription_id: str) -> None:
        """Stop a monthly gift now; its end comes back as a SubscriptionCancelled event."""
        ...

    def verify_event(self, payload: bytes, signature: str | None) -> ReceivedEvent:
        """Check a webhook delivery's signature and read it; WebhookRefused if it is not
        one of the gateway's."""
        ...
