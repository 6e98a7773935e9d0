"""The privacy notice on the app: `/privacy`, at the root and under every language."""

from flask import Flask

from campaign.i18n.site import serve_in_every_language
from campaign.privacy_notice import views


def init_app(app: Flask) -> None:
    """Register the privacy notice's page."""
    serve_in_every_language(app, views.bp)
