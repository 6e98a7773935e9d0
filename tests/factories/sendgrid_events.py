"""SendGrid's side of the mail tests: its event webhook's events, and their signature."""

import base64
import time
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"
READER = "reader@example.org"


def public_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The key as SendGrid's settings page shows it: base64 of the DER SubjectPublicKeyInfo."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def signed_headers(key, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """What SendGrid sends: an ECDSA-SHA256 signature of timestamp + body, base64 DER."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE: base64.b64encode(signature).decode(), TIMESTAMP: stamp}


def event(name: str, email: str = READER, **fields) -> dict:
    return {
        "email": email,
        "timestamp": int(time.time()),
        "event": name,
        "sg_event_id": uuid.uuid4().hex,
        "sg_message_id": "standin-1.filterdrecv-1",
    } | fields
