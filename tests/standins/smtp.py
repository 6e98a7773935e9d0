"""An SMTP sink on 127.0.0.1 (aiosmtpd) that keeps what it receives, or refuses as told."""

import socket
import ssl
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


class SinkHandler:
    """aiosmtpd handler: accepts everything unless `rcpt_reply` or `data_reply` says otherwise."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.rcpt_reply: str | None = None  # e.g. "550 5.1.1 No such user here"
        self.data_reply: str | None = None  # e.g. "451 4.3.0 Try again later"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.data_reply:
            return self.data_reply
        self.received.append(
            ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted for delivery"


class _TLSBusySMTP(SMTP):
    """Offers STARTTLS, then answers it with 454, as a relay short of resources may (RFC 3207)."""

    async def smtp_STARTTLS(self, arg: str) -> None:
        await self.push("454 4.7.0 TLS not available right now")


class _SinkController(Controller):
    def __init__(self, *args, refuse_starttls: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.refuse_starttls = refuse_starttls

    def factory(self) -> SMTP:
        if self.refuse_starttls:
            return _TLSBusySMTP(self.handler, **self.SMTP_kwargs)
        return super().factory()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPSink:
    """Start with `start()`, point SMTP_URL at `url`, read `handler.received` afterwards."""

    def __init__(
        self, tls_context: ssl.SSLContext | None = None, refuse_starttls: bool = False
    ) -> None:
        self.handler = SinkHandler()
        # With a TLS context the sink offers STARTTLS, as a real relay does.
        self.controller = _SinkController(
            self.handler,
            hostname="127.0.0.1",
            port=free_port(),
            tls_context=tls_context,
            refuse_starttls=refuse_starttls,
        )
        self.running = False

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    @property
    def received(self) -> list[ReceivedMail]:
        return self.handler.received

    def start(self) -> "SMTPSink":
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        """Stop listening; harmless when already stopped."""
        if self.running:
            self.running = False
            self.controller.stop()
