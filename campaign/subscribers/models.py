"""Subscribers: people who asked for campaign updates by email and confirmed the address."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db


class SubscriberStatus(StrEnum):
    PENDING = "pending"  # asked, has not confirmed yet
    ACTIVE = "active"  # confirmed: gets updates
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINED = "complained"


class Subscriber(Timestamped, db.Model):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default=SubscriberStatus.PENDING, index=True)
    # The campaign whose page they subscribed on, if any (an audience for updates).
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    # The consent record: where and when they agreed, and the words they agreed to.
    consent_source: Mapped[str] = mapped_column(String(200), default="")
    consent_text: Mapped[str] = mapped_column(Text, default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
