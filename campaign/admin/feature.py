"""The console's front page on the app, under /admin."""

from flask import Flask

from campaign.admin import views


def init_app(app: Flask) -> None:
    """Register the dashboard; each feature registers its own console pages."""
    app.register_blueprint(views.bp, url_prefix="/admin")
