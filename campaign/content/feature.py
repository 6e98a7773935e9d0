"""Content on the app: the home page, campaign hubs and explainers, and their console."""

from flask import Flask

from campaign.content import console, views


def init_app(app: Flask) -> None:
    """Register content's pages and its console (campaigns, explainers)."""
    app.register_blueprint(views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin")
