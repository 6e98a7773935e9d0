"""Keyed, rotating hashes of client addresses: rate limits work, raw IPs are never kept."""

import hashlib
import hmac
from datetime import date

from flask import current_app, request

from campaign.db import utcnow


def _day_key(day: date) -> bytes:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"ip-hash:{day.isoformat()}".encode(), hashlib.sha256).digest()


def hash_address(address: str, day: date | None = None) -> str:
    """HMAC of an IP address under a key that changes every day (UTC)."""
    key = _day_key(day or utcnow().date())
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """The rate-limit key for this request: the hashed client address."""
    return hash_address(request.remote_addr or "unknown")
