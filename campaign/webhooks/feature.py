"""Webhooks on the app: the signed provider callbacks under /webhooks."""

from flask import Flask

from campaign.webhooks import views


def init_app(app: Flask) -> None:
    """Register the webhook endpoints."""
    app.register_blueprint(views.bp, url_prefix="/webhooks")
