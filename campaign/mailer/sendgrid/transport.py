"""MAIL_TRANSPORT=sendgrid: SendGrid's v3 Mail Send through the official SDK."""

import json
import re
from urllib.error import URLError

from python_http_client import exceptions as http_errors
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import CustomArg, From, Header, Mail

from campaign.mailer.transports.interface import (
    BulkMessage,
    Envelope,
    PermanentFailure,
    RecipientResult,
    TemporaryFailure,
    UnknownOutcome,
)

# SendGrid takes at most this many personalizations in one request.
MAX_PERSONALIZATIONS = 1000
_PERSONALIZATION_FIELD = re.compile(r"^personalizations\.(\d+)\.")


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
        return self._post(mail)

    def _post(self, mail: Mail | dict) -> str | None:
        try:
            response = self.client.send(mail)
        except http_errors.HTTPError as error:
            raise classify_http_error(error) from error
        except URLError as error:
            # urllib wraps failures to connect (refused, DNS, connect timeout): nothing was sent.
            raise TemporaryFailure(f"SendGrid could not be reached: {error}") from error
        except (TimeoutError, ConnectionResetError, ConnectionAbortedError) as error:
            # Connected and sent, then no answer: SendGrid may have accepted the mail.
            raise UnknownOutcome(f"SendGrid did not answer in time: {error}") from error
        except ConnectionError as error:
            raise TemporaryFailure(f"SendGrid could not be reached: {error}") from error
        return response.headers.get("X-Message-Id")

    def send_bulk(self, message: BulkMessage) -> list[RecipientResult]:
        """One request with a personalization per recipient (each address once)."""
        if len(message.recipients) > MAX_PERSONALIZATIONS:
            raise ValueError(f"SendGrid takes at most {MAX_PERSONALIZATIONS} recipients a request")
        results: list[RecipientResult | None] = [None] * len(message.recipients)
        remaining = list(range(len(message.recipients)))
        # A 400 that names some personalizations fails those recipients; the rest go again once.
        for _attempt in range(2):
            try:
                provider_id = self._post(_bulk_mail(message, remaining))
            except PermanentFailure as error:
                refused = _refused_personalizations(error, len(remaining))
                if not refused or len(refused) == len(remaining):
                    for index in remaining:
                        results[index] = RecipientResult("failed", error=str(error))
                    return results
                for position in refused:
                    results[remaining[position]] = RecipientResult("failed", error=str(error))
                remaining = [i for n, i in enumerate(remaining) if n not in refused]
                continue
            sent = RecipientResult("sent", provider_id=provider_id)  # frozen: one serves all
            for index in remaining:
                results[index] = sent
            return results
        for index in remaining:
            results[index] = RecipientResult("retry", error="SendGrid refused the request twice")
        return results


def _bulk_mail(message: BulkMessage, indexes: list[int]) -> dict:
    """The v3 request body, built as plain data.

    The SDK's helper classes (Mail, Personalization, To …) parse every address again and
    wrap every value in an object of its own: for a thousand recipients that cost more than
    everything else in a batch. The body is the same JSON they produce.
    """
    personalizations = []
    for index in indexes:
        recipient = message.recipients[index]
        personalization: dict = {"to": [{"email": recipient.to}]}
        if recipient.substitutions:
            personalization["substitutions"] = recipient.substitutions
        if recipient.headers:
            personalization["headers"] = recipient.headers
        if recipient.custom_args:
            personalization["custom_args"] = recipient.custom_args
        # In our order: SendGrid's error fields (personalizations.N) count in it.
        personalizations.append(personalization)
    body = {
        "from": From(message.sender).get(),
        "subject": message.subject,
        "personalizations": personalizations,
        "content": [
            {"type": "text/plain", "value": message.text},
            {"type": "text/html", "value": message.html},
        ],
    }
    if message.headers:
        body["headers"] = message.headers
    return body


def _refused_personalizations(error: PermanentFailure, count: int) -> set[int]:
    """Which personalizations a 400 answer names (SendGrid gives `field` per error)."""
    cause = error.__cause__
    body = getattr(cause, "body", b"")
    try:
        errors = json.loads(body.decode() if isinstance(body, bytes) else body or "{}")["errors"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return set()
    refused = set()
    for item in errors if isinstance(errors, list) else []:
        match = _PERSONALIZATION_FIELD.match(str(item.get("field") or ""))
        if match and int(match.group(1)) < count:
            refused.add(int(match.group(1)))
    return refused
