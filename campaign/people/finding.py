"""Everything held about one email address, gathered from every feature's tables.

The columns that can hold an address, a name, a postcode, a comment, an IP digest or free
text a person gave us are: subscribers (email, name, consent), signatures (name, email,
postcode, comment, ip_hash, source, utm), donations (donor_name, donor_email), the outbox
(to_address, subject, bodies, errors) and the .eml files the file transport wrote,
deliveries (their errors), suppressions (email, detail) and webhook events (their reason:
we never store a payload, so an event names an address only if a reason quoted one).
Organiser accounts and the audit trail hold organisers, not supporters.
"""

from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from campaign.addresses import checked_email
from campaign.donations.models import Donation
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail, Suppression
from campaign.people.erased import is_erased
from campaign.petitions.models import Signature
from campaign.subscribers.models import Subscriber
from campaign.updates.models import Delivery, Update
from campaign.webhooks.models import WebhookEvent


@dataclass(frozen=True)
class DeliveryRecord:
    """An update's delivery to the person, with the update it carried."""

    delivery: Delivery
    update_slug: str
    update_subject: str


@dataclass
class Person:
    """What is held about one address; every list is empty when nothing is."""

    email: str
    subscriber: Subscriber | None = None
    signatures: list[Signature] = field(default_factory=list)
    donations: list[Donation] = field(default_factory=list)
    emails: list[OutboundEmail] = field(default_factory=list)
    deliveries: list[DeliveryRecord] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    webhook_events: list[WebhookEvent] = field(default_factory=list)
    mail_files: list[Path] = field(default_factory=list)
    # Erased before, and not signed up again since: kept off imports and bulk sends.
    on_erased_list: bool = False

    @property
    def rows(self) -> int:
        """How many rows (and mail files) name the address."""
        return (
            (self.subscriber is not None)
            + len(self.signatures)
            + len(self.donations)
            + len(self.emails)
            + len(self.deliveries)
            + len(self.suppressions)
            + len(self.webhook_events)
            + len(self.mail_files)
        )

    @property
    def found(self) -> bool:
        return self.rows > 0

    def names(self) -> set[str]:
        """The names the person gave us, wherever they gave one."""
        given = [signature.name for signature in self.signatures]
        given += [donation.donor_name for donation in self.donations]
        if self.subscriber is not None:
            given.append(self.subscriber.name)
        return {name.strip() for name in given if name and name.strip()}


def find_person(email: str) -> Person:
    """Everything held about `email`; InvalidEmail if it is not an address."""
    address = checked_email(email)
    person = Person(email=address)
    person.subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == address))
    person.signatures = list(
        db.session.scalars(
            select(Signature)
            .options(joinedload(Signature.petition))
            .where(Signature.email == address)
            .order_by(Signature.created_at, Signature.id)
        )
    )
    person.donations = list(
        db.session.scalars(
            select(Donation)
            .options(joinedload(Donation.appeal))
            # Stripe's checkout gives the address as the donor typed it.
            .where(func.lower(func.trim(Donation.donor_email)) == address)
            .order_by(Donation.created_at, Donation.id)
        )
    )
    person.emails = list(
        db.session.scalars(
            select(OutboundEmail)
            .where(OutboundEmail.to_address == address)
            .order_by(OutboundEmail.created_at, OutboundEmail.id)
        )
    )
    # To their subscriber row, and (an outcome told to a petition's signers) to their
    # signatures.
    recipient = Delivery.signature_id.in_([signature.id for signature in person.signatures])
    if person.subscriber is not None:
        recipient = recipient | (Delivery.subscriber_id == person.subscriber.id)
    person.deliveries = [
        DeliveryRecord(delivery, slug, subject)
        for delivery, slug, subject in db.session.execute(
            select(Delivery, Update.slug, Update.subject)
            .join(Update, Update.id == Delivery.update_id)
            .where(recipient)
            .order_by(Delivery.id)
        )
    ]
    person.suppressions = list(
        db.session.scalars(select(Suppression).where(Suppression.email == address))
    )
    person.webhook_events = list(
        db.session.scalars(
            select(WebhookEvent)
            .where(func.lower(WebhookEvent.reason).contains(address, autoescape=True))
            .order_by(WebhookEvent.id)
        )
    )
    person.mail_files = mail_files(address)
    person.on_erased_list = is_erased(address)
    return person


def mail_files(address: str) -> list[Path]:
    """The .eml files the file transport wrote to `address` (MAIL_FILE_DIR), found by their
    To header: a file's name holds a row's id, and ids start again when a database is
    rebuilt, so the name alone could point at someone else's mail."""
    folder = Path(current_app.config["MAIL_FILE_DIR"])
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.eml") if _addressed_to(path, address))


_headers = BytesHeaderParser(policy=policy.default)


def _addressed_to(path: Path, address: str) -> bool:
    try:
        with path.open("rb") as file:
            headers = _headers.parse(file)
        recipients = getaddresses([str(value) for value in headers.get_all("To", [])])
    except (OSError, ValueError, TypeError):
        return False  # unreadable, or written by something else: not ours to judge
    return any(found.strip().lower() == address for _name, found in recipients)
