"""Keyed, rotating hashes of client addresses: rate limits work, raw IPs are never kept."""

import hashlib
import hmac
import ipaddress
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


def client_network(address: str) -> str:
    """The client as rate limits count it: an IPv6 address stands for its whole /64."""
    # One home or cloud connection gets a /64 and can send from any address in it.
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return address
    if ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return f"{ipaddress.IPv6Address(int(ip) >> 64 << 64)}/64"


def client_key() -> str:
    """The rate-limit key for this request: the hashed client address (IPv6: its /64)."""
    return hash_address(client_network(request.remote_addr or "unknown"))
