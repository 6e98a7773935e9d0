"""Signed tokens for links in email, each scoped to one purpose.

A token is signed with SECRET_KEY and a salt per purpose, so an unsubscribe token can never
confirm anything and a petition token can never unsubscribe anyone. Tokens carry what the
link is about (a row's id and a keyed digest of its email, say): the reader checks the row
still matches, so a token for a row that has since changed or been replaced is refused.
The payload is signed, not encrypted: anyone holding a link can read it, so keep addresses out.
A link that can only name an address (the "Your data" link every email carries: no one row
stands for everything held about it) uses a sealed token instead: encrypted and
authenticated, so the address in it is as unreadable as it is unforgeable.
"""

import base64
import hashlib
import hmac
import json
import os
import time
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(ValueError):
    """A token that is not ours, was altered, or was made for another purpose."""


class TokenExpired(TokenError):
    """A genuine token that is too old for its purpose."""


def serializer_for(purpose: str) -> URLSafeTimedSerializer:
    """The signer of one purpose's tokens (for code that signs many at once)."""
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"campaign.token.{purpose}"
    )


def make_token(purpose: str, payload: dict[str, Any]) -> str:
    """A URL-safe signed token carrying `payload` (JSON values) for one purpose."""
    return serializer_for(purpose).dumps(payload)


def read_token_issued(
    purpose: str, token: str, max_age: int | None = None
) -> tuple[dict[str, Any], datetime]:
    """The payload of a token and when it was made; TokenError if bad, TokenExpired if old."""
    try:
        payload, issued = serializer_for(purpose).loads(
            token, max_age=max_age, return_timestamp=True
        )
    except SignatureExpired as error:
        raise TokenExpired("This link has expired.") from error
    except BadSignature as error:
        raise TokenError("This link is not valid.") from error
    if not isinstance(payload, dict):
        raise TokenError("This link is not valid.")
    return payload, issued.astimezone(UTC)


def read_token(purpose: str, token: str, max_age: int | None = None) -> dict[str, Any]:
    """The payload of a token; TokenError if bad, TokenExpired if older than `max_age` s."""
    return read_token_issued(purpose, token, max_age)[0]


class Sealer:
    """Makes and opens one purpose's sealed tokens: AES-GCM under a key derived from
    SECRET_KEY, the purpose bound in as associated data, the moment of sealing inside.

    Make one for a batch of links: each token then costs one encryption.
    """

    NONCE_BYTES = 12

    def __init__(self, purpose: str) -> None:
        secret = current_app.config["SECRET_KEY"]
        secret = secret if isinstance(secret, bytes) else secret.encode()
        self._purpose = f"campaign.sealed.{purpose}".encode()
        self._aead = AESGCM(hmac.new(secret, self._purpose, hashlib.sha256).digest())

    def seal(self, payload: dict[str, Any]) -> str:
        """A URL-safe token that only this site can read, carrying `payload` (JSON values)."""
        nonce = os.urandom(self.NONCE_BYTES)
        plain = json.dumps([int(time.time()), payload], separators=(",", ":")).encode()
        sealed = nonce + self._aead.encrypt(nonce, plain, self._purpose)
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, token: str, max_age: int | None = None) -> dict[str, Any]:
        """The payload of a sealed token; TokenError if bad, TokenExpired if older than
        `max_age` seconds."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            nonce, sealed = raw[: self.NONCE_BYTES], raw[self.NONCE_BYTES :]
            issued, payload = json.loads(self._aead.decrypt(nonce, sealed, self._purpose))
        except (ValueError, TypeError, InvalidTag):
            # binascii.Error and json's errors are ValueErrors; a short token fails the tag.
            raise TokenError("This link is not valid.") from None
        if not isinstance(payload, dict) or not isinstance(issued, int):
            raise TokenError("This link is not valid.")
        if max_age is not None and time.time() - issued > max_age:
            raise TokenExpired("This link has expired.")
        return payload


def make_sealed_token(purpose: str, payload: dict[str, Any]) -> str:
    """A sealed token for one purpose: `payload` can be read only by this site."""
    return Sealer(purpose).seal(payload)


def read_sealed_token(purpose: str, token: str, max_age: int | None = None) -> dict[str, Any]:
    """The payload of a sealed token; TokenError if bad, TokenExpired if too old."""
    return Sealer(purpose).open(token, max_age)
