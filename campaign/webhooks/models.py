"""Every webhook event we processed, so a repeated delivery changes nothing."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db


class Outcome(StrEnum):
    PROCESSED = "processed"  # applied (which may mean: nothing of ours to change)
    UNUSABLE = "unusable"  # a value of the wrong shape: not applied, see `reason`
    FAILED = "failed"  # applying it raised an error (a bug): not applied, see `reason`


class WebhookEvent(db.Model):
    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(
        String(16), default=Outcome.PROCESSED, server_default=Outcome.PROCESSED.value
    )
    reason: Mapped[str | None] = mapped_column(String(300))
