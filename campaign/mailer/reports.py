"""What the Outbox reads: the messages, newest first, and how many are in each status."""

from sqlalchemy import Select, select

from campaign.admin.helpers import counts_by_status
from campaign.mailer.models import MessageStatus, OutboundEmail


def outbox_messages(status: str = "") -> Select:
    """Every message, or those in one status, newest first."""
    query = select(OutboundEmail).order_by(OutboundEmail.id.desc())
    if status:
        query = query.where(OutboundEmail.status == status)
    return query


def status_counts() -> dict[str, int]:
    """How many messages are in each status, every status present."""
    return counts_by_status(OutboundEmail.status, MessageStatus)
