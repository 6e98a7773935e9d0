"""Writing to the audit trail, and checking that nobody rewrote it.

Each entry's seal is an HMAC, keyed by the site's secret, of its own fields and the seal of
the entry before it. Someone who can write to the database but does not hold the key cannot
edit, insert or remove an entry without breaking every seal after it (`flask audit verify`).
Removing the newest entries leaves an intact, shorter chain: the console's count and the
export an admin keeps elsewhere show that.
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import select, text

from campaign.audit.models import AuditEntry
from campaign.db import utcnow
from campaign.extensions import db

# The seal the first entry follows.
GENESIS = "0" * 64
# Entries are sealed one at a time: the one taking the lock reads the newest seal.
_LOCK_KEY = 0x617564  # "aud"


def record(
    action: str,
    *,
    object_kind: str = "",
    object_id: int | None = None,
    rows: int | None = None,
    detail: str = "",
    actor=None,
) -> AuditEntry:
    """Add an entry for what the signed-in organiser (or `actor`) just did.

    Flushes with the caller's change, so the entry and the action commit together or not at
    all; the caller commits. `detail` names a filter or a setting, never a supporter.
    """
    who = actor if actor is not None else _signed_in()
    _take_the_lock()
    previous = db.session.scalar(select(AuditEntry.seal).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(who, "id", None),
        actor=getattr(who, "email", "") or "",
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        rows=rows,
        detail=detail[:500],
    )
    entry.seal = seal(entry, previous or GENESIS)
    db.session.add(entry)
    db.session.flush()
    return entry


def _signed_in():
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def _take_the_lock() -> None:
    # PostgreSQL: until this transaction ends, no other entry is sealed. SQLite has one
    # writer at a time anyway.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def seal(entry: AuditEntry, previous: str) -> str:
    fields = [
        previous,
        entry.at.isoformat(timespec="microseconds"),
        entry.actor_id,
        entry.actor,
        entry.action,
        entry.object_kind,
        entry.object_id,
        entry.rows,
        entry.detail,
    ]
    message = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(secret, b"audit trail", hashlib.sha256).digest()


@dataclass(frozen=True)
class Break:
    entry_id: int
    reason: str


def verify() -> tuple[int, list[Break]]:
    """Every entry checked against the one before: how many, and where the chain breaks."""
    breaks = []
    previous = GENESIS
    count = 0
    for entry in _in_order():
        count += 1
        if not hmac.compare_digest(entry.seal, seal(entry, previous)):
            breaks.append(Break(entry.id, "changed, or an entry before it was removed or added"))
        previous = entry.seal
    return count, breaks


def _in_order() -> Iterator[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    yield from db.session.scalars(query)
