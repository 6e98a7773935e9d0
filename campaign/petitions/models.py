"""Petitions, their signatures, and the counts that are kept without a hot row."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.content.models import Campaign
from campaign.content.rendering import render_markdown
from campaign.db import Timestamped, UTCDateTime, utcnow
from campaign.extensions import db
from campaign.images.models import Image, image_column, image_relationship


class PetitionStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class SignatureStatus(StrEnum):
    PENDING = "pending"  # signed, email not confirmed: does not count
    CONFIRMED = "confirmed"  # counts
    INVALIDATED = "invalidated"  # spam, removed by an organiser: does not count


class CommentStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Petition(Timestamped, db.Model):
    __tablename__ = "petitions"
    __cache_revision__ = "content"  # campaign pages offer its "sign" box

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(300))  # who the petition is addressed to
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    thank_you_text: Mapped[str] = mapped_column(Text, default="")
    goal: Mapped[int] = mapped_column(Integer, default=1000)
    ask_postcode: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=PetitionStatus.DRAFT)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When retention last deleted the unconfirmed signatures and anonymised the confirmed ones
    # (see retention.py); a petition reopened and closed again later is due once more.
    signatures_anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Confirmed signatures already folded in by the tally (see counting.py); the live count
    # adds the few confirmed since.
    counted_signatures: Mapped[int] = mapped_column(Integer, default=0)
    hero_image_id: Mapped[int | None] = image_column()

    campaign: Mapped[Campaign] = relationship()
    hero_image: Mapped[Image | None] = image_relationship("Petition.hero_image_id")

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = render_markdown(body)
        return body

    def is_closed(self, now: datetime | None = None) -> bool:
        """Closed by an organiser, or past its closing date."""
        if self.status == PetitionStatus.CLOSED:
            return True
        return self.closes_at is not None and (now or utcnow()) >= self.closes_at

    def closed_since(self, now: datetime | None = None) -> datetime | None:
        """When signing stopped: the earlier of the organiser's close and a passed closing date."""
        moments = []
        if self.status == PetitionStatus.CLOSED and self.closed_at is not None:
            moments.append(self.closed_at)
        if self.closes_at is not None and (now or utcnow()) >= self.closes_at:
            moments.append(self.closes_at)
        return min(moments, default=None)


class Signature(db.Model):
    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("petition_id", "email"),
        # The tally reads only the confirmed signatures it has not counted yet.
        Index("ix_signatures_uncounted", "petition_id", "status", "counted"),
        Index("ix_signatures_recent", "petition_id", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    country: Mapped[str] = mapped_column(String(2))
    postcode: Mapped[str] = mapped_column(String(16), default="")
    comment: Mapped[str] = mapped_column(String(500), default="")
    comment_status: Mapped[str] = mapped_column(String(16), default=CommentStatus.NONE)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    # Consent to updates: the box and the exact words it carried, kept as the record.
    subscribe: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(100), default="", index=True)
    utm: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    # The language of the page signed on: its emails are in it.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    status: Mapped[str] = mapped_column(String(16), default=SignatureStatus.PENDING)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    emails_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invalidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the signer pressed "stop emails about this petition": no outcome reaches them since.
    news_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    petition: Mapped[Petition] = relationship()


class CountryCount(db.Model):
    """Counted signatures of a petition by country, folded in by the tally."""

    __tablename__ = "petition_country_counts"

    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    signatures: Mapped[int] = mapped_column(Integer, default=0)
