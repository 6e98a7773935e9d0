"""How mail leaves: one small backend per transport, chosen by MAIL_TRANSPORT.

The file and SMTP transports live here; SendGrid's lives in campaign/mailer/sendgrid/, beside
the webhook that reports on what it sent. What they all take, answer and raise is in
interface.py; callers import it from here, the transports from there (so that none of them
imports the module that chooses it).
"""

from flask import current_app

from campaign.mailer.transports.interface import (
    BulkMessage,
    Envelope,
    PermanentFailure,
    Recipient,
    RecipientResult,
    TemporaryFailure,
    Transport,
    UnknownOutcome,
    personalise,
)

__all__ = [
    "BulkMessage",
    "Envelope",
    "PermanentFailure",
    "Recipient",
    "RecipientResult",
    "TemporaryFailure",
    "Transport",
    "UnknownOutcome",
    "get_transport",
    "personalise",
]


def get_transport() -> Transport:
    """The transport named by MAIL_TRANSPORT, configured from the settings."""
    name = current_app.config["MAIL_TRANSPORT"]
    if name == "file":
        from campaign.mailer.transports.outbox import FileTransport

        return FileTransport(current_app.config["MAIL_FILE_DIR"])
    if name == "sendgrid":
        from campaign.mailer.sendgrid.transport import SendGridTransport

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
