"""What every transport is given, answers and raises, and the helpers transports share.

A transport sends one `Envelope` and returns the provider's message id (or None). It raises
`TemporaryFailure` for what may work later (timeouts, 429, 5xx, SMTP 4xx) and
`PermanentFailure` for what never will (other 4xx, SMTP 5xx); both carry a reason.
"""

from dataclasses import dataclass, field
from typing import Protocol


class TemporaryFailure(Exception):
    """Sending failed for now; try again later."""


class PermanentFailure(Exception):
    """Sending failed for good; do not try again."""


class UnknownOutcome(TemporaryFailure):
    """The request went out but no answer came back: the provider may have sent it.

    Transactional mail retries it (a second confirmation email does no harm); an update marks
    the batch uncertain instead, because its promise is never twice.
    """


@dataclass(frozen=True)
class Envelope:
    sender: str
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)
    # Our own ids, sent along so the provider's events can be matched back to our rows.
    custom_args: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipient:
    to: str
    # Marker -> value, replaced in the subject and both parts (the marker names say which).
    substitutions: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    custom_args: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkMessage:
    """One message for many recipients, personalised by substitutions (an update, say)."""

    sender: str
    subject: str
    text: str
    html: str
    recipients: list[Recipient]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecipientResult:
    outcome: str  # "sent", "failed" (for good), "retry" (refused for now) or "uncertain"
    provider_id: str | None = None
    error: str | None = None


def personalise(message: BulkMessage, recipient: Recipient) -> Envelope:
    """The single message one recipient gets."""

    def fill(text: str) -> str:
        for marker, value in recipient.substitutions.items():
            text = text.replace(marker, value)
        return text

    return Envelope(
        sender=message.sender,
        to=recipient.to,
        subject=fill(message.subject),
        text=fill(message.text),
        html=fill(message.html),
        headers=message.headers | recipient.headers,
        custom_args=recipient.custom_args,
    )


def send_one_by_one(transport: "Transport", message: BulkMessage) -> list[RecipientResult]:
    """Bulk sending for transports that speak one message at a time (file, SMTP)."""
    results = []
    for recipient in message.recipients:
        try:
            provider_id = transport.send(personalise(message, recipient))
        except PermanentFailure as error:
            results.append(RecipientResult("failed", error=str(error)))
        except UnknownOutcome as error:
            results.append(RecipientResult("uncertain", error=str(error)))
        except TemporaryFailure as error:
            results.append(RecipientResult("retry", error=str(error)))
        else:
            results.append(RecipientResult("sent", provider_id=provider_id))
    return results


class Transport(Protocol):
    def send(self, envelope: Envelope) -> str | None: ...

    def send_bulk(self, message: BulkMessage) -> list[RecipientResult]:
        """One result per recipient, in order; raises TemporaryFailure if nothing went."""
        ...
