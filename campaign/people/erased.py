"""The suppression list of erased addresses: kept as keyed digests, consulted by imports and
bulk sends, and cleared by the owner's own confirmed sign-up."""

import hashlib
import hmac
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import delete, select

from campaign.addresses import normalise_email
from campaign.db import insert_with_conflicts, utcnow
from campaign.extensions import db
from campaign.people.models import ErasedAddress

LOOKUP_BATCH = 1000


def address_digest(email: str) -> str:
    """The keyed digest an erased address is remembered by (HMAC-SHA256 with SECRET_KEY)."""
    secret = current_app.config["SECRET_KEY"]
    key = hmac.new(
        secret if isinstance(secret, bytes) else secret.encode(),
        b"erased address",
        hashlib.sha256,
    ).digest()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def remember(email: str) -> None:
    """Keep the address off imports and bulk sends from now on (flushes; idempotent)."""
    insert = insert_with_conflicts(db.session)
    statement = insert(ErasedAddress.__table__).values(
        digest=address_digest(email), erased_at=utcnow()
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["digest"]))


def forget(email: str) -> None:
    """The owner signed up again themselves: their address may be reached again (flushes)."""
    db.session.execute(delete(ErasedAddress).where(ErasedAddress.digest == address_digest(email)))


def is_erased(email: str) -> bool:
    return erased_among([email]) == {normalise_email(email)}


def erased_among(emails: Iterable[str]) -> set[str]:
    """Those of `emails` (normalised) that were erased and not signed up again since."""
    by_digest = {address_digest(email): normalise_email(email) for email in emails}
    digests = list(by_digest)
    found: set[str] = set()
    for start in range(0, len(digests), LOOKUP_BATCH):
        batch = digests[start : start + LOOKUP_BATCH]
        query = select(ErasedAddress.digest).where(ErasedAddress.digest.in_(batch))
        found.update(by_digest[digest] for digest in db.session.scalars(query))
    return found
