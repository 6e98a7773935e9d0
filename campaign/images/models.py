"""Images organisers uploaded: one row an image, its files named by its key and width."""

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaign.db import Timestamped
from campaign.extensions import db


class Image(Timestamped, db.Model):
    __tablename__ = "images"
    # Alt text shows on public pages, so a change must reach cached pages.
    __cache_revision__ = "content"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, so the address of one image tells nothing of another; also the files' prefix.
    key: Mapped[str] = mapped_column(String(40), unique=True)
    format: Mapped[str] = mapped_column(String(8))  # jpeg, png or svg
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # The widths stored, smallest first, as "480,960,1600".
    widths: Mapped[str] = mapped_column(String(80))
    alt: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")  # the alt text's
    # Shown in the console only, to tell uploads apart; never on a public page.
    label: Mapped[str] = mapped_column(String(200), default="")
    byte_size: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def stored_widths(self) -> list[int]:
        return [int(width) for width in self.widths.split(",") if width]

    def file_name(self, width: int) -> str:
        extension = "jpg" if self.format == "jpeg" else self.format
        return f"{self.key}-{width}.{extension}"

    @property
    def largest(self) -> str:
        return self.file_name(self.stored_widths[-1])


def image_column() -> Mapped[int | None]:
    """A link to an image that removing the image clears, leaving the page without one."""
    return mapped_column(ForeignKey("images.id", ondelete="SET NULL"), index=True)


def image_relationship(column: str) -> Mapped[Image | None]:
    """The image a link column names, loaded with the row's page."""
    return relationship(Image, foreign_keys=column, lazy="joined")
