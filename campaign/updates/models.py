"""Updates (an email to subscribers, also published on the site), their translations and
their deliveries.

An update is written in one language (its original) and may have translations, one per
language; each reader gets the version in their language, or else the original.

One Delivery row per (update, subscriber), or per (update, signature) for an update to a
petition's signers (`AudienceKind.SIGNERS`, see campaign/outcomes/telling.py for why): the row
is the record that the update went, or will go, to that person. Its status only moves forward
through committed steps (see sending.py).
"""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.content.models import Campaign
from campaign.content.rendering import render_markdown
from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db
from campaign.i18n.languages import same_language
from campaign.petitions.models import Petition


class UpdateStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


class AudienceKind(StrEnum):
    ALL = "all"  # every active subscriber
    CAMPAIGN = "campaign"  # active subscribers who joined on a campaign's pages
    PETITION = "petition"  # confirmed signers of a petition who opted in (and are active)
    DONORS = "donors"  # people who gave, ticked "email me updates" and confirmed the address
    # Every confirmed signer of a petition, opted in or not, who has not stopped its news:
    # what happened to the petition they signed (campaign/outcomes). Deliveries by signature.
    SIGNERS = "signers"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed in a batch that is being handed to the transport
    SENT = "sent"
    FAILED = "failed"  # refused for good (the reason is kept)
    SKIPPED = "skipped"  # left before it was their turn, or the organiser dropped it
    UNCERTAIN = "uncertain"  # its batch was claimed by a sender that died: sent or not?


class Update(Timestamped, db.Model):
    __tablename__ = "updates"
    __cache_revision__ = "content"  # published updates appear on campaign pages

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    preheader: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    # The language the original (subject, preheader, body above) is written in.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    cta_petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    audience_kind: Mapped[str] = mapped_column(String(16), default=AudienceKind.ALL)
    audience_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    audience_petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    audience_language: Mapped[str] = mapped_column(String(16), default="")
    audience_country: Mapped[str] = mapped_column(String(2), default="")
    status: Mapped[str] = mapped_column(String(16), default=UpdateStatus.DRAFT)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once every delivery row exists: a sender that died while queueing left it empty.
    audience_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    publish_on_site: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign | None] = relationship(foreign_keys=[campaign_id])
    cta_petition: Mapped[Petition | None] = relationship(foreign_keys=[cta_petition_id])
    translations: Mapped[list["UpdateTranslation"]] = relationship(
        back_populates="update",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="UpdateTranslation.language",
    )

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = render_markdown(body)
        return body

    def versions(self) -> list["Version"]:
        """The original first, then each translation."""
        return [self, *self.translations]

    def version_for(self, language: str) -> "Version":
        """What a reader of `language` gets: the version in it, else the original."""
        return version_for(self.versions(), language)


class UpdateTranslation(Timestamped, db.Model):
    """An update in another language than its original: one per update and language."""

    __tablename__ = "update_translations"
    __table_args__ = (UniqueConstraint("update_id", "language"),)
    __cache_revision__ = "content"  # published updates show the page's language's version

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    preheader: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")

    update: Mapped[Update] = relationship(back_populates="translations")

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = render_markdown(body)
        return body


class Version(Protocol):
    """What the original and a translation have alike: a text in one language."""

    language: str
    subject: str
    preheader: str
    body: str
    body_html: str


VersionT = TypeVar("VersionT", bound=Version)


def version_for(versions: Sequence[VersionT], language: str) -> VersionT:
    """Of `versions` (the original first), the one for a reader of `language`.

    The same tag first ("zh-Hans"), then the same language ("ug" for "ug-Arab"); the original
    when none is in it.
    """
    wanted = (language or "").lower()
    for version in versions:
        if version.language.lower() == wanted:
            return version
    for version in versions:
        if wanted and same_language(version.language, wanted):
            return version
    return versions[0]


class Delivery(db.Model):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("update_id", "subscriber_id"),
        UniqueConstraint("update_id", "signature_id"),
        # To a subscriber or to a signature, never both, never neither.
        CheckConstraint("(subscriber_id IS NULL) <> (signature_id IS NULL)", name="one_recipient"),
        Index("ix_deliveries_update_status", "update_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(db.Integer, "sqlite"), primary_key=True
    )
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True
    )
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.QUEUED)
    # Times the recipient's server refused it for now; MAIL_MAX_ATTEMPTS of those fail it.
    attempts: Mapped[int] = mapped_column(default=0)
    # Which claim took the row: marking sent checks it, so a late sender cannot mark another's.
    batch: Mapped[str | None] = mapped_column(String(40), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    # What the provider reported afterwards: the strongest MailEventKind so far.
    event: Mapped[str | None] = mapped_column(String(20))
    unsubscribed: Mapped[bool] = mapped_column(Boolean, default=False)
