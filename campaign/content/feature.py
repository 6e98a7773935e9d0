"""Content on the app: the home page, campaign hubs and explainers, and their console."""

from flask import Flask

from campaign.content import console, views
from campaign.i18n.site import serve_in_every_language


def init_app(app: Flask) -> None:
    """Register content's pages and its console (campaigns, explainers)."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin")
