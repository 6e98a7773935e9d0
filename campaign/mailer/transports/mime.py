"""An Envelope as an RFC 5322 message, for the transports that speak MIME (file, SMTP)."""

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from campaign.mailer.transports.interface import Envelope


def build_message(envelope: Envelope) -> EmailMessage:
    """A multipart/alternative message: the plain-text part first, then the HTML part."""
    message = EmailMessage()
    message["From"] = envelope.sender
    message["To"] = envelope.to
    message["Subject"] = envelope.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_domain(envelope.sender))
    for name, value in envelope.headers.items():
        message[name] = value
    for name, value in envelope.custom_args.items():
        message[f"X-Campaign-{name.replace('_', '-').title()}"] = value
    message.set_content(envelope.text)
    message.add_alternative(envelope.html, subtype="html")
    return message


def _domain(sender: str) -> str:
    address = sender.rsplit("<", 1)[-1].rstrip(">")
    return address.rsplit("@", 1)[-1] if "@" in address else "localhost"
