"""What stays of an erased address: a keyed digest, so no import or bulk send reaches it
again unless its owner signs up once more themselves."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db


class ErasedAddress(db.Model):
    """An address erased at its owner's request, as an HMAC keyed by the site's secret: the
    address itself cannot be read back from it, only recognised when it comes again."""

    __tablename__ = "erased_addresses"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
