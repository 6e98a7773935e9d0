"""MAIL_TRANSPORT=smtp: any SMTP relay, from SMTP_URL.

`smtp://user:password@host:587` uses STARTTLS when the server offers it,
`smtp+starttls://…` insists on it, and `smtps://…:465` speaks TLS from the start.
"""

import smtplib
import ssl
from urllib.parse import unquote, urlsplit

from campaign.mailer.transports.interface import (
    BulkMessage,
    Envelope,
    PermanentFailure,
    RecipientResult,
    TemporaryFailure,
    UnknownOutcome,
    send_one_by_one,
)
from campaign.mailer.transports.mime import build_message

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class SMTPTransport:
    def __init__(self, url: str | None, timeout: float) -> None:
        if not url:
            raise RuntimeError("MAIL_TRANSPORT=smtp needs SMTP_URL.")
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:
            raise RuntimeError("SMTP_URL must start with smtp://, smtp+starttls:// or smtps://.")
        self.scheme = parts.scheme
        self.host = parts.hostname or "localhost"
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.scheme == "smtps":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            connection.ehlo()
            if connection.has_extn("starttls"):
                connection.starttls(context=context)
                connection.ehlo()
            elif self.scheme == "smtp+starttls":
                raise TemporaryFailure(f"{self.host} does not offer STARTTLS")
        except BaseException:
            # Not yet inside the caller's `with`: a refused STARTTLS (454) would leak the socket.
            connection.close()
            raise
        return connection

    def send(self, envelope: Envelope) -> str | None:
        message = build_message(envelope)
        handing_over = False
        try:
            with self._connect() as connection:
                if self.username:
                    connection.login(self.username, self.password or "")
                handing_over = True
                connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise _by_code(code, reply) from error
        except smtplib.SMTPAuthenticationError as error:
            # A settings problem, not this message's: keep it for when the login is fixed.
            raise TemporaryFailure(f"SMTP login refused: {error.smtp_code}") from error
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            if handing_over:
                # No answer after the message went: the relay may have taken it (a late 250).
                raise UnknownOutcome(
                    f"SMTP server stopped answering while taking the message: {error}"
                ) from error
            raise TemporaryFailure(f"SMTP server unreachable: {error}") from error
        return message["Message-ID"]

    def send_bulk(self, message: BulkMessage) -> list[RecipientResult]:
        return send_one_by_one(self, message)


def _by_code(code: int, reply: bytes | str) -> Exception:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    reason = f"SMTP {code}: {text}"
    return TemporaryFailure(reason) if 400 <= code < 500 else PermanentFailure(reason)
