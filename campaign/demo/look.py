"""The demo campaign's look: its accent, logo and heroes, drawn for the demo in look/.

Each drawing goes through the image library as an organiser's upload would. A place that
already shows an image (or one the organisers cleared after the demo gave it one) is left as
it is: a drawing is given only once, the first time its image is made.
"""

from pathlib import Path

from sqlalchemy import select

from campaign.content.models import Campaign
from campaign.donations.models import Appeal
from campaign.extensions import db
from campaign.images.library import add_image
from campaign.images.models import Image
from campaign.petitions.models import Petition

LOOK = Path(__file__).resolve().parent / "look"


def load_look(campaign: Campaign, look: dict, created: list[str], kept: list[str]) -> None:
    """Give the campaign, and its demo petitions and appeals, the drawings named in `look`."""
    if campaign.accent_colour is None and "accent_colour" in look:
        campaign.accent_colour = look["accent_colour"]
    places = [
        (campaign, "logo_image_id", look.get("logo")),
        (campaign, "hero_image_id", look.get("hero")),
    ]
    for model, key in ((Petition, "petitions"), (Appeal, "appeals")):
        for slug, fields in look.get(key, {}).items():
            record = db.session.scalar(select(model).where(model.slug == slug))
            if record is not None:
                places.append((record, "hero_image_id", fields.get("hero")))
    for record, column, drawing in places:
        if drawing is not None:
            _give(record, column, drawing, campaign.language, created, kept)
    db.session.flush()


def _give(
    record, column: str, drawing: dict, language: str, created: list[str], kept: list[str]
) -> None:
    label = f"demo: {drawing['file']}"
    if demo_image(drawing["file"]) is not None:
        kept.append(f"image {drawing['file']}")
        return
    image = add_image((LOOK / drawing["file"]).read_bytes(), drawing["alt"], label, language)
    if getattr(record, column) is None:
        setattr(record, column, image.id)
    created.append(f"image {drawing['file']}")


def demo_image(file: str) -> Image | None:
    """The image the demo made of one of its drawings, if it is still in the library."""
    return db.session.scalar(select(Image).where(Image.label == f"demo: {file}"))
