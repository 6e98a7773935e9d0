"""MAIL_TRANSPORT=sendgrid: SendGrid's v3 Mail Send through the official SDK."""

from urllib.error import URLError

from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import CustomArg, Header, Mail

from campaign.mailer.transports import Envelope, PermanentFailure, TemporaryFailure


def classify_http_error(error: http_errors.HTTPError) -> Exception:
    """429 and 5xx may pass later; any other refusal will not."""
    reason = f"SendGrid answered {error.status_code}: {_body(error)}"
    if error.status_code == 429 or error.status_code >= 500:
        return TemporaryFailure(reason)
    return PermanentFailure(reason)


def _body(error: http_errors.HTTPError) -> str:
    body = error.body.decode("utf-8", "replace") if isinstance(error.body, bytes) else error.body
    return str(body or "")[:500]


class SendGridTransport:
    def __init__(self, api_key: str | None, host: str, timeout: float) -> None:
        if not api_key:
            raise RuntimeError("MAIL_TRANSPORT=sendgrid needs SENDGRID_API_KEY.")
        self.client = SendGridAPIClient(api_key=api_key, host=host)
        # Propagated to every request the SDK builds from this client.
        self.client.client.timeout = timeout

    def send(self, envelope: Envelope) -> str | None:
        mail = Mail(
            from_email=envelope.sender,
            to_emails=envelope.to,
            subject=envelope.subject,
            plain_text_content=envelope.text,
            html_content=envelope.html,
        )
        for name, value in envelope.headers.items():
            mail.header = Header(name, value)
        for name, value in envelope.custom_args.items():
            mail.custom_arg = CustomArg(name, value)
        try:
            response = self.client.send(mail)
        except http_errors.HTTPError as error:
            raise classify_http_error(error) from error
        except (URLError, TimeoutError, ConnectionError) as error:
            raise TemporaryFailure(f"SendGrid could not be reached: {error}") from error
        return response.headers.get("X-Message-Id")
