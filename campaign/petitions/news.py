"""A signer's "stop emails about this petition": the signed link in each outcome's email
(signed a batch at a time by campaign.updates.links.stop_news_links).

The link names the signature (its id and a keyed digest of its address), never the address,
and never expires, like an unsubscribe link. Stopping touches only that signature: the signer
stays subscribed to campaign updates if they were, and their signature still counts.
"""

import hashlib
import hmac

from flask import current_app

from campaign.db import utcnow
from campaign.extensions import db
from campaign.petitions.models import Signature
from campaign.tokens import TokenError, read_token

STOP_PURPOSE = "petition-news-stop"


def _address_check(email: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"signature-email:{email}".encode(), hashlib.sha256).hexdigest()[:20]


def token_payload(signature) -> dict:
    """What a signature's stop link carries (`signature`: a row or object with id and email)."""
    return {"id": signature.id, "check": _address_check(signature.email)}


def signature_to_stop(token: str) -> Signature:
    """The signature a stop link names; TokenError when the link is bad or its signature is
    gone or changed (anonymised, erased)."""
    payload = read_token(STOP_PURPOSE, token)
    signature = db.session.get(Signature, payload.get("id")) if payload.get("id") else None
    expected = _address_check(signature.email) if signature else ""
    if signature is None or not hmac.compare_digest(expected, str(payload.get("check"))):
        raise TokenError("This link is not valid any more.")
    return signature


def stop_news(signature: Signature) -> None:
    """No more outcome emails to this signature. Idempotent; flushes."""
    if signature.news_stopped_at is None:
        signature.news_stopped_at = utcnow()
        db.session.flush()
