"""Appeals (donation pages) and donations. Amounts are integers in minor units, always with
their currency; a donation is paid only when a verified Stripe webhook says so."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.content.models import Campaign
from campaign.content.rendering import render_markdown
from campaign.db import Timestamped, UTCDateTime
from campaign.extensions import db
from campaign.images.models import Image, image_column, image_relationship


class AppealStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Interval(StrEnum):
    ONCE = "once"
    MONTH = "month"


class DonationStatus(StrEnum):
    PENDING = "pending"  # sent to checkout; nothing confirmed
    PAID = "paid"  # a verified webhook confirmed the money
    REFUNDED = "refunded"  # fully refunded (partial refunds keep PAID with amount_refunded)
    FAILED = "failed"  # the payment did not go through
    CANCELLED = "cancelled"  # the donor left the checkout
    DISPUTED = "disputed"  # the card holder disputed it: not counted until won


class SubscriptionStatus(StrEnum):
    """A monthly gift's state, kept on its first donation."""

    ACTIVE = "active"  # renews every month
    PAST_DUE = "past_due"  # a monthly payment failed; Stripe tries again
    CANCELLED = "cancelled"  # stopped: no more renewals


class Appeal(Timestamped, db.Model):
    __tablename__ = "appeals"
    __cache_revision__ = "content"  # campaign pages offer its "give" box

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3), default="gbp")
    preset_amounts: Mapped[list] = mapped_column(JSON, default=list)  # minor units
    minimum_amount: Mapped[int] = mapped_column(Integer, default=100)
    maximum_amount: Mapped[int] = mapped_column(Integer, default=1_000_000)
    goal: Mapped[int | None] = mapped_column(Integer)
    allow_monthly: Mapped[bool] = mapped_column(Boolean, default=True)
    # A partner organisation's donation page: the appeal explains and links out instead.
    external_url: Mapped[str | None] = mapped_column(String(500))
    external_clicks: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.DRAFT)
    hero_image_id: Mapped[int | None] = image_column()

    campaign: Mapped[Campaign] = relationship()
    hero_image: Mapped[Image | None] = image_relationship("Appeal.hero_image_id")

    @validates("body")
    def _render_body(self, key: str, body: str) -> str:
        self.body_html = render_markdown(body)
        return body


class Donation(Timestamped, db.Model):
    __tablename__ = "donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)  # minor units, fee cover included
    fee_cover: Mapped[int] = mapped_column(Integer, default=0)  # part of `amount`
    currency: Mapped[str] = mapped_column(String(3))
    interval: Mapped[str] = mapped_column(String(8), default=Interval.ONCE)
    status: Mapped[str] = mapped_column(String(16), default=DonationStatus.PENDING, index=True)
    amount_refunded: Mapped[int] = mapped_column(Integer, default=0)
    donor_name: Mapped[str] = mapped_column(String(200), default="")
    donor_email: Mapped[str] = mapped_column(String(254), default="")
    subscribe: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_text: Mapped[str] = mapped_column(Text, default="")
    # The language of the page given on: the receipt and the manage page are in it.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    # Stripe's ids: unique, so two events about one payment can never count it twice.
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_id: Mapped[str | None] = mapped_column(String(255), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(255))
    # For a monthly gift: the first donation holds the subscription's state; renewals point
    # back to it.
    first_donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    subscription_status: Mapped[str | None] = mapped_column(String(20))  # SubscriptionStatus
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(Text)

    appeal: Mapped[Appeal] = relationship()

    @property
    def net_amount(self) -> int:
        """What the donation counts toward the appeal now."""
        if self.status != DonationStatus.PAID:
            return 0
        return self.amount - self.amount_refunded
