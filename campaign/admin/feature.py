"""The console's front page on the app, under /admin."""

from flask import Flask

from campaign.admin import views
from campaign.admin.statuses import status_label


def init_app(app: Flask) -> None:
    """Register the dashboard and the words for statuses; each feature registers its own
    console pages."""
    app.register_blueprint(views.bp, url_prefix="/admin")
    app.jinja_env.globals["status_label"] = status_label
