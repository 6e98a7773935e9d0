"""How mail leaves: one small backend per transport, chosen by MAIL_TRANSPORT.

A transport sends one `Envelope` and returns the provider's message id (or None). It raises
`TemporaryFailure` for what may work later (timeouts, 429, 5xx, SMTP 4xx) and
`PermanentFailure` for what never will (other 4xx, SMTP 5xx); both carry a reason.
"""

from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app


class TemporaryFailure(Exception):
    """Sending failed for now; try again later."""


class PermanentFailure(Exception):
    """Sending failed for good; do not try again."""


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


class Transport(Protocol):
    def send(self, envelope: Envelope) -> str | None: ...


def get_transport() -> Transport:
    """The transport named by MAIL_TRANSPORT, configured from the settings."""
    name = current_app.config["MAIL_TRANSPORT"]
    if name == "file":
        from campaign.mailer.transports.outbox import FileTransport

        return FileTransport(current_app.config["MAIL_FILE_DIR"])
    if name == "sendgrid":
        from campaign.mailer.transports.sendgrid import SendGridTransport

        return SendGridTransport(
            api_key=current_app.config["SENDGRID_API_KEY"],
            host=current_app.config["SENDGRID_API_HOST"],
            timeout=current_app.config["MAIL_TIMEOUT_SECONDS"],
        )
    if name == "smtp":
        from campaign.mailer.transports.smtp import SMTPTransport

        return SMTPTransport(
            current_app.config["SMTP_URL"], timeout=current_app.config["MAIL_TIMEOUT_SECONDS"]
        )
    raise RuntimeError(f"MAIL_TRANSPORT must be file, sendgrid or smtp, not {name!r}.")
