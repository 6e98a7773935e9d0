"""Content on the app: the home page, campaign hubs and explainers."""

from flask import Flask

from campaign.content import views


def init_app(app: Flask) -> None:
    """Register content's pages."""
    app.register_blueprint(views.bp)
