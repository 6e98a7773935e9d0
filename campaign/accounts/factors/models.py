"""What an organiser proves themselves with besides the password: second factors of any kind
(an authenticator app now; passkeys add a kind of their own) and single-use recovery codes."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.accounts.models import User
from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db


class SecondFactor(Timestamped, db.Model):
    """One second factor of one organiser: `kind` says which (see kinds.py) and which of the
    columns it uses. It counts only once confirmed: set-up proves the organiser holds it."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The organiser's own name for it ("phone"), to tell two apart on the Security page.
    name: Mapped[str] = mapped_column(String(100), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Authenticator apps: the shared key (base32), and the last 30-second time step whose
    # code was accepted; a code of that step or an earlier one is a replay.
    secret: Mapped[str | None] = mapped_column(String(64))
    last_time_step: Mapped[int | None] = mapped_column(BigInteger)

    user: Mapped[User] = relationship()

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(Timestamped, db.Model):
    """A code for the day the organiser's device is lost: works once, stored only as its
    SHA-256 (the code is 80 random bits, so the digest cannot be reversed by guessing)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique pair, which starts with it.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
