"""One row per organiser action, each sealed with the seal of the row before it."""

from datetime import datetime

from sqlalchemy import Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db


class AuditEntry(db.Model):
    """Who did what, when, to which object, to how many rows. Ids and counts only: never a
    supporter's address, name or words, so the trail itself needs no erasing."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The organiser as they were then: an account's id, and its address for the reader (an
    # organiser's, not a supporter's). None for what no one signed in did (a failed sign-in).
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_kind: Mapped[str] = mapped_column(String(32), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    rows: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500), default="")
    seal: Mapped[str] = mapped_column(String(64), unique=True)


class AppendOnly(RuntimeError):
    """The application never changes or removes an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, entry: AuditEntry) -> None:
    raise AppendOnly(f"audit entry {entry.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, entry: AuditEntry) -> None:
    raise AppendOnly(f"audit entry {entry.id} cannot be removed")
