"""A translation of a campaign's, petition's or appeal's words into one of the site's languages."""

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import Timestamped
from campaign.extensions import db


class ContentTranslation(Timestamped, db.Model):
    """The translated fields of one record; a field left out shows the original's words.

    One table for every kind of record: what a kind translates is declared in code (see
    `translating.Translatable`), so a new kind needs no migration.
    """

    __tablename__ = "content_translations"
    __cache_revision__ = "content"
    __table_args__ = (UniqueConstraint("kind", "record_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(16))
    # Field name -> text; a Markdown field's rendered HTML is kept beside it as <name>_html.
    values: Mapped[dict] = mapped_column(JSON, default=dict)
