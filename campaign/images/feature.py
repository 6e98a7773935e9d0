"""Images on the app: /media for the files, the console's image library."""

from flask import Flask

from campaign.images import console, views
from campaign.images.library import image_srcset, image_url


def init_app(app: Flask) -> None:
    """Serve uploaded images and let organisers upload them."""
    app.register_blueprint(views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin")
    app.jinja_env.globals.update(image_url=image_url, image_srcset=image_srcset)
