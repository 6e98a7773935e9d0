"""Recovery codes: ten single-use codes for the day an organiser's device is lost.

Each is 16 letters and digits (80 random bits) shown once as `abcd-efgh-ijkl-mnop`, and kept
only as its SHA-256: with that much chance in it, a slow hash would add nothing.
"""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select, update

from campaign.accounts.factors.models import RecoveryCode
from campaign.accounts.models import User
from campaign.db import utcnow
from campaign.extensions import db

HOW_MANY = 10
# Base32's alphabet: no 0, 1, 8 or 9, so a digit typed for the letter it looks like (o, l, b)
# can be read as that letter.
ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
LENGTH = 16
_TYPED = str.maketrans({"0": "o", "1": "l", "8": "b", "-": None, " ": None})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str) -> str:
    """A code as stored, from what was typed: lower case, without spaces or hyphens."""
    return code.strip().lower().translate(_TYPED)


def looks_like_a_code(code: str) -> bool:
    typed = normalise(code)
    return len(typed) == LENGTH and all(character in ALPHABET for character in typed)


def digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def replace_codes(user: User) -> list[str]:
    """Ten new codes for `user`, every older one ending now; returns them, to be shown once."""
    remove_codes(user)
    codes = [new_code() for _ in range(HOW_MANY)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=digest(code)) for code in codes)
    db.session.flush()
    return codes


def remove_codes(user: User) -> None:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use_code(user: User, code: str, at: datetime | None = None) -> bool:
    """Whether `code` is one of the user's unused codes; if so it is used up, by this call
    alone (one conditional UPDATE: two requests with the same code cannot both pass)."""
    if not looks_like_a_code(code):
        return False
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
