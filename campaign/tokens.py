"""Signed tokens for links in email, each scoped to one purpose.

A token is signed with SECRET_KEY and a salt per purpose, so an unsubscribe token can never
confirm anything and a petition token can never unsubscribe anyone. Tokens carry what the
link is about (a row's id and a keyed digest of its email, say): the reader checks the row
still matches, so a token for a row that has since changed or been replaced is refused.
The payload is signed, not encrypted: anyone holding a link can read it, so keep addresses out.
"""

from datetime import UTC, datetime
from typing import Any

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
