"""What a mail provider reports about a message of ours, said in our own words.

A provider's webhook turns each of its events into a `MailEvent` (SendGrid's does so in
mailer/sendgrid/events.py) and suppression.py applies it. A feature that keeps rows of its own
about its mail (an update's deliveries) connects to `signals.mail_event` to see every event too.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MailEventKind(StrEnum):
    """What happened to a message we sent.

    The values are what `deliveries.event` stores (and `suppressions.reason`, for the kinds that
    suppress), written when SendGrid was the only provider: renaming one needs a migration.
    """

    DELIVERED = "delivered"  # the recipient's server took it
    DEFERRED = "deferred"  # the recipient's server asked to try later; the provider retries
    BLOCKED = "blocked"  # refused for now (a full mailbox, a temporary block): the address stays
    BOUNCED = "bounce"  # refused for good: the address does not work
    DROPPED = "dropped"  # the provider would not send it (an address it knows to be bad)
    SPAM_REPORT = "spamreport"  # the recipient marked it as spam
    UNSUBSCRIBED = "unsubscribe"  # the recipient unsubscribed through the provider


@dataclass(frozen=True)
class MailEvent:
    """One thing a provider reported about a message of ours."""

    kind: MailEventKind
    email: str | None  # normalised; None when the provider named no address
    occurred_at: datetime
    # Our own ids, sent along with the message (`custom_args`) and reported back with it.
    outbound_id: int | None  # an outbox row
    delivery_id: int | None  # an update's delivery
    detail: str  # all the provider said about it, kept with a suppression
    note: str  # one line for people, kept as the outbox row's last error
