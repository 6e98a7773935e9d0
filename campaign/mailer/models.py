"""The outbox: every transactional email, written in the transaction of the action behind it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Timestamped, UTCDateTime, utcnow
from campaign.extensions import db


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for its first try or a retry (see next_attempt_at)
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"  # handed to the transport
    DELIVERED = "delivered"  # the provider reported delivery
    DEFERRED = "deferred"  # the provider is still trying
    FAILED = "failed"  # a permanent refusal, or retries ran out
    SUPPRESSED = "suppressed"  # the address bounced or complained: not sent
    BOUNCED = "bounced"  # the provider reported a bounce or a drop after sending


class OutboundEmail(Timestamped, db.Model):
    __tablename__ = "outbound_emails"
    __table_args__ = (
        Index("ix_outbound_emails_due", "status", "next_attempt_at"),
        # Retention finds the old messages whose words are still kept (see retention.py).
        Index("ix_outbound_emails_body_kept", "body_purged_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[str] = mapped_column(String(60))
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A claim names its holder (see claims.py) and lasts until lease_expires_at unless renewed.
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Committed just before the transport is given the message: a claim taken back while this
    # is set may have been sent already.
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(200), index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Why it may have reached its recipient twice; kept after a later successful send.
    possible_duplicate: Mapped[str | None] = mapped_column(Text)
    # When retention removed the words (bodies, headers, the .eml file) after MAIL_BODY_DAYS;
    # the row, its status and its recipient stay as the record that it went.
    body_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SuppressionReason(StrEnum):
    BOUNCE = "bounce"
    DROPPED = "dropped"
    SPAM_REPORT = "spamreport"
    UNSUBSCRIBE = "unsubscribe"


# An address that bounced, was dropped or complained gets no mail of any kind; one that
# unsubscribed through the provider still gets the mail it asks for (a petition confirmation).
BLOCKS_ALL_MAIL = frozenset(
    {SuppressionReason.BOUNCE, SuppressionReason.DROPPED, SuppressionReason.SPAM_REPORT}
)


class Suppression(db.Model):
    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    reason: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
