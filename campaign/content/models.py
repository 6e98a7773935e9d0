"""Campaigns, their explainer articles and the articles' learn-more links."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.content.rendering import reading_minutes, render_markdown
from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db
from campaign.images.models import Image, image_column, image_relationship


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    ARCHIVED = "archived"


class ExplainerStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # a draft the sweep publishes at `publish_at`
    PUBLISHED = "published"


class Campaign(Timestamped, db.Model):
    __tablename__ = "campaigns"
    __cache_revision__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.DRAFT)
    tagline: Mapped[str] = mapped_column(String(200), default="")
    # "#rrggbb", checked for contrast when set (see identity.py); None is the site's own.
    accent_colour: Mapped[str | None] = mapped_column(String(7))
    logo_image_id: Mapped[int | None] = image_column()
    hero_image_id: Mapped[int | None] = image_column()

    logo_image: Mapped[Image | None] = image_relationship("Campaign.logo_image_id")
    hero_image: Mapped[Image | None] = image_relationship("Campaign.hero_image_id")
    explainers: Mapped[list["Explainer"]] = relationship(
        back_populates="campaign", order_by="Explainer.position"
    )

    @property
    def is_public(self) -> bool:
        return self.status != CampaignStatus.DRAFT


class Explainer(Timestamped, db.Model):
    __tablename__ = "explainers"
    __cache_revision__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised from `body` on save (see publishing.py); pages serve this.
    body_html: Mapped[str] = mapped_column(Text, default="")
    reading_minutes: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(16), default="en")
    translation_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("explainers.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=ExplainerStatus.DRAFT)
    position: Mapped[int] = mapped_column(Integer, default=0)
    image_path: Mapped[str | None] = mapped_column(String(300))
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hero_image_id: Mapped[int | None] = image_column()
    # When a scheduled explainer goes public (UTC); None unless it is scheduled.
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship(back_populates="explainers")
    hero_image: Mapped[Image | None] = image_relationship("Explainer.hero_image_id")
    translation_of: Mapped["Explainer | None"] = relationship(remote_side=[id])
    links: Mapped[list["LearnMoreLink"]] = relationship(
        back_populates="explainer",
        order_by="LearnMoreLink.position",
        cascade="all, delete-orphan",
    )

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        # Rendering happens here, on assignment, so no code path can save a body unrendered.
        self.body_html = render_markdown(body)
        self.reading_minutes = reading_minutes(body)
        return body

    @property
    def is_published(self) -> bool:
        return self.status == ExplainerStatus.PUBLISHED


class LearnMoreLink(db.Model):
    __tablename__ = "learn_more_links"
    __cache_revision__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    explainer_id: Mapped[int] = mapped_column(
        ForeignKey("explainers.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)

    explainer: Mapped[Explainer] = relationship(back_populates="links")
