"""Images on the app: /media for the files, the console's image library."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from campaign.i18n.translating import Translatable, TranslatedField, translatable
from campaign.images import console, views
from campaign.images.library import image_alt, image_srcset, image_url
from campaign.images.models import Image

IMAGE_WORDS = Translatable(
    kind="image",
    model=Image,
    fields=(TranslatedField("alt", _l("Image description (alt text)"), multiline=True),),
    own_language=lambda image: image.language,
    describe=lambda image: image.label or image.alt[:80],
    console_url=lambda image: url_for("images_console.images", _anchor=f"image-{image.id}"),
)


def init_app(app: Flask) -> None:
    """Serve uploaded images and let organisers upload them."""
    app.register_blueprint(views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin")
    translatable(IMAGE_WORDS)
    app.jinja_env.globals.update(
        image_url=image_url, image_srcset=image_srcset, image_alt=image_alt
    )
