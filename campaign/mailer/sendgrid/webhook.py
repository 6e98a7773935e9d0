"""SendGrid's Signed Event Webhook: is this request SendGrid's, and which events does it carry.

SendGrid signs `timestamp + body` with ECDSA P-256 and SHA-256; the key it shows in its
settings is base64 DER. A request that fails a check is refused as a whole (WebhookRefused);
the events of one that passes are each read, and applied once, by events.py.
"""

import base64
import binascii
import json
import logging
import time

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import load_der_public_key
from sendgrid.helpers.eventwebhook import EventWebhook
from sendgrid.helpers.eventwebhook.eventwebhook_header import EventWebhookHeader

from campaign.webhooks.fields import nested_too_deeply
from campaign.webhooks.refusal import WebhookRefused

log = logging.getLogger(__name__)

SIGNATURE_HEADER = EventWebhookHeader.SIGNATURE
TIMESTAMP_HEADER = EventWebhookHeader.TIMESTAMP


def load_public_key(text: str) -> ec.EllipticCurvePublicKey:
    """SendGrid's verification key as its settings page shows it (base64 DER), parsed."""
    # Accept a PEM copy too: people paste the key with its armour lines.
    lines = [line for line in text.strip().splitlines() if not line.startswith("-----")]
    try:
        key = load_der_public_key(base64.b64decode("".join(lines).strip(), validate=True))
    except (ValueError, binascii.Error, TypeError):
        raise ValueError("SENDGRID_WEBHOOK_PUBLIC_KEY is not a base64 public key.") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError("SENDGRID_WEBHOOK_PUBLIC_KEY is not an ECDSA P-256 key.")
    return key


def webhook_key_problem(text: str | None) -> str | None:
    """Why the configured verification key cannot be used, as a sentence; None if it can."""
    if not text:
        return "SENDGRID_WEBHOOK_PUBLIC_KEY is not set."
    try:
        load_public_key(text)
    except ValueError as error:
        return str(error)
    return None


def verified_events(
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    public_key: str | None,
    max_age_seconds: int,
    now: float | None = None,
) -> list[object]:
    """The events of a request whose signature and age check out; else WebhookRefused."""
    problem = webhook_key_problem(public_key)
    if problem:
        log.error("SendGrid event webhook refused: %s", problem)
        raise WebhookRefused(503, "Webhook not configured.")
    key = load_public_key(public_key)
    if not signature or not timestamp:
        raise WebhookRefused(
            400, f"The request needs both {SIGNATURE_HEADER} and {TIMESTAMP_HEADER} headers."
        )
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise WebhookRefused(400, "The timestamp header must be a whole number of seconds.")
    try:
        decode_dss_signature(base64.b64decode(signature, validate=True))
    except (ValueError, binascii.Error):
        raise WebhookRefused(400, "The signature header is not a base64 ECDSA signature.") from None
    try:
        payload = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRefused(400, "The body is not UTF-8 text.") from None
    if not EventWebhook().verify_signature(payload, signature, timestamp, public_key=key):
        raise WebhookRefused(403, "The signature does not match the body.")
    age = (time.time() if now is None else now) - int(timestamp)
    # A captured request replayed later, or one signed with a clock far ahead, is refused.
    if age > max_age_seconds:
        raise WebhookRefused(403, "The signature is too old; replayed requests are refused.")
    if age < -max_age_seconds:
        raise WebhookRefused(403, "The signature's timestamp is in the future.")
    return parse_events(payload)


def parse_events(payload: str) -> list[object]:
    """The JSON array of events; each is checked as it is applied, on its own."""
    try:
        events = json.loads(payload)
    except (ValueError, RecursionError):
        raise WebhookRefused(400, "The body is not JSON.") from None
    if not isinstance(events, list):
        raise WebhookRefused(400, "The body must be a JSON array of events.")
    if nested_too_deeply(events):
        raise WebhookRefused(400, "The body is nested too deeply to be SendGrid events.")
    return events
