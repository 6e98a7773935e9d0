"""Erasing everything held about one address, so that every public count stays as it was.

Rows that no count or total depends on go (a subscriber never sent an update, unconfirmed
signatures, outbox mail, suppressions, the .eml files). Rows that counts and totals are made
of stay, without anything that names the person: a confirmed signature still counts for its
petition and its country, a paid gift still counts toward its appeal (Stripe's ids stay, so a
later refund still finds it), a subscriber sent updates stays an empty, unsubscribed row so
each update's delivery counts hold. A keyed digest of the address then keeps it off imports
and bulk sends until its owner signs up again themselves.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field

from campaign.db import utcnow
from campaign.extensions import db
from campaign.people import erased
from campaign.people.finding import Person, find_person
from campaign.petitions.models import CommentStatus, SignatureStatus
from campaign.subscribers.models import SubscriberStatus

log = logging.getLogger(__name__)

# The tables an erasure reports on, in the order it reports them.
TABLES = (
    "subscribers",
    "signatures",
    "donations",
    "outbound_emails",
    "mail_files",
    "deliveries",
    "suppressions",
    "webhook_events",
)
REDACTED = "[erased]"
# The domain of every placeholder address an erasure leaves.
ERASED_DOMAIN = "erased.invalid"
MIN_NAME_SOUGHT = 3


@dataclass
class Erasure:
    """What an erasure did, table by table: rows deleted, and rows kept but emptied of
    everything that named the person (anonymised)."""

    deleted: Counter = field(default_factory=Counter)
    anonymised: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.deleted.values()) + sum(self.anonymised.values())

    def per_table(self) -> dict[str, dict[str, int]]:
        """Every table, with its two counts (zeros too): the same shape for every address."""
        return {
            table: {"deleted": self.deleted[table], "anonymised": self.anonymised[table]}
            for table in TABLES
        }

    def summary(self) -> str:
        """The counts in one line, for the audit trail: tables and numbers, nothing else."""
        parts = []
        for table, counts in self.per_table().items():
            done = [f"{n} {what}" for what, n in counts.items() if n]
            if done:
                parts.append(f"{table} {', '.join(done)}")
        return "; ".join(parts) or "nothing held"


def placeholder(kind: str, row_id: int) -> str:
    """What stands in a unique address column once its address is erased: undeliverable
    (.invalid never resolves), and no address anyone can type (the site refuses it)."""
    return f"erased-{kind}-{row_id}@{ERASED_DOMAIN}"


def erase_person(email: str) -> Erasure:
    """Erase everything held about `email` (flushes; the caller commits and audits).

    InvalidEmail if it is not an address. Nothing held: an empty Erasure, and the address
    is not put on the erased list.
    """
    return erase(find_person(email))


def erase(person: Person) -> Erasure:
    """Erase what `find_person` found (flushes)."""
    erasure = Erasure()
    if not person.found:
        return erasure
    scrub = _Scrubber(person.email, person.names())
    for record in person.deliveries:
        # A provider's refusal may quote the address; the status and times are the count.
        record.delivery.error = None
        erasure.anonymised["deliveries"] += 1
    _erase_subscriber(person, erasure)
    _erase_signatures(person, erasure, scrub)
    _erase_donations(person, erasure, scrub)
    for message in person.emails:
        db.session.delete(message)
        erasure.deleted["outbound_emails"] += 1
    for path in person.mail_files:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            # Left in place, and said so: the organiser removes it by hand.
            log.error("could not remove the mail file %s: %s", path.name, error.strerror)
            continue
        erasure.deleted["mail_files"] += 1
    for suppression in person.suppressions:
        db.session.delete(suppression)
        erasure.deleted["suppressions"] += 1
    for event in person.webhook_events:
        event.reason = scrub(event.reason)
        erasure.anonymised["webhook_events"] += 1
    erased.remember(person.email)
    db.session.flush()
    return erasure


class _Scrubber:
    """Takes the address and the person's names out of free text kept for others' sake."""

    def __init__(self, email: str, names: set[str]) -> None:
        # A name of a letter or two would be found inside every other word: not sought.
        words = {email, *(name for name in names if len(name) >= MIN_NAME_SOUGHT)}
        # Longest first, so a name inside another is not left half done.
        self.words = sorted(words, key=len, reverse=True)

    def __call__(self, text: str | None) -> str | None:
        if not text:
            return text
        for word in self.words:
            text = _replace_ignoring_case(text, word, REDACTED)
        return text


def _replace_ignoring_case(text: str, word: str, by: str) -> str:
    lowered, target = text.lower(), word.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer: replace as typed
        return text.replace(word, by)
    pieces, start = [], 0
    while (found := lowered.find(target, start)) >= 0:
        pieces += [text[start:found], by]
        start = found + len(word)
    return "".join([*pieces, text[start:]])


def _erase_subscriber(person: Person, erasure: Erasure) -> None:
    subscriber = person.subscriber
    if subscriber is None:
        return
    if not any(record.delivery.subscriber_id == subscriber.id for record in person.deliveries):
        db.session.delete(subscriber)
        erasure.deleted["subscribers"] += 1
        return
    subscriber.email = placeholder("subscriber", subscriber.id)
    subscriber.name = ""
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.unsubscribed_at = subscriber.unsubscribed_at or utcnow()
    subscriber.consent_source = ""
    subscriber.consent_text = ""
    subscriber.consent_at = None
    erasure.anonymised["subscribers"] += 1


def _erase_signatures(person: Person, erasure: Erasure, scrub: _Scrubber) -> None:
    for signature in person.signatures:
        if signature.status == SignatureStatus.PENDING and not signature.counted:
            # Never counted, so no count changes without it.
            db.session.delete(signature)
            erasure.deleted["signatures"] += 1
            continue
        # Confirmed ones count, invalidated ones may still be folded out by the tally: the row
        # stays, with its petition, country, status and times.
        signature.email = placeholder("signature", signature.id)
        signature.name = ""
        signature.postcode = ""
        signature.comment = ""
        signature.comment_status = CommentStatus.NONE
        signature.show_name = False
        signature.subscribe = False
        signature.consent_text = ""
        signature.ip_hash = ""
        signature.source = scrub(signature.source) or ""
        signature.utm = {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in (signature.utm or {}).items()
        }
        erasure.anonymised["signatures"] += 1


def _erase_donations(person: Person, erasure: Erasure, scrub: _Scrubber) -> None:
    for donation in person.donations:
        # Every gift stays: paid ones count toward the appeal, and a pending one may yet be
        # paid (its webhook must still find it).
        donation.donor_email = ""
        donation.donor_name = ""
        donation.subscribe = False
        donation.consent_text = ""
        donation.failure_reason = scrub(donation.failure_reason)
        erasure.anonymised["donations"] += 1
