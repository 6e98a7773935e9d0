"""Social cards on the app: a PNG for each shared page, drawn on this server."""

from flask import Flask

from campaign.cards import views
from campaign.i18n.site import serve_in_every_language


def init_app(app: Flask) -> None:
    """Serve each public page's card in each language."""
    serve_in_every_language(app, views.bp)
