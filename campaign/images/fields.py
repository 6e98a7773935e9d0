"""The select by which a console form picks one of the uploaded images."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from campaign.form_fields import NO_LINK, coerce_id
from campaign.images.library import images_newest_first


def _image_choices() -> list[SelectChoice]:
    return [SelectChoice(NO_LINK, _("No image"))] + [
        SelectChoice(image.id, image.label or image.alt[:80]) for image in images_newest_first()
    ]


def image_field(label: str, description: str) -> SelectField:
    """A select of the uploaded images, newest first, with "no image" as the first choice."""
    return SelectField(
        label, coerce=coerce_id, choices=_image_choices, default=NO_LINK, description=description
    )


HERO_DESCRIPTION = _l(
    "Shown wide at the top of the page. Upload images under Images; their description is the "
    "alt text."
)
