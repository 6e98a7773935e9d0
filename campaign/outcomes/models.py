"""What happened to a petition after people signed it: delivered, answered, won, closed."""

from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from campaign.content.rendering import render_markdown
from campaign.db import Timestamped
from campaign.extensions import db
from campaign.i18n.languages import N_
from campaign.petitions.models import Petition


class OutcomeKind(StrEnum):
    DELIVERED = "delivered"  # handed to its target
    RESPONSE = "response"  # the target answered
    VICTORY = "victory"  # it got what it asked for
    CLOSURE = "closure"  # it ended without (or beyond) those


# What the public page and the email call each kind, in the reader's language.
KIND_WORDS = {
    OutcomeKind.DELIVERED: N_("Delivered"),
    OutcomeKind.RESPONSE: N_("Response"),
    OutcomeKind.VICTORY: N_("Victory"),
    OutcomeKind.CLOSURE: N_("Closed"),
}


class PetitionOutcome(Timestamped, db.Model):
    """One event in a petition's life after signing; its date is when it was recorded."""

    __tablename__ = "petition_outcomes"
    __cache_revision__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")  # Markdown (plain text is Markdown)
    text_html: Mapped[str] = mapped_column(Text, default="")
    # The email that told the signers, once an organiser chose to: it goes once per outcome.
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"))

    petition: Mapped[Petition] = relationship()

    @validates("text")
    def _render_text(self, key: str, text: str) -> str:
        self.text_html = render_markdown(text)
        return text
