"""Subscribers on the app: their pages, their console and `import subscribers`."""

from flask import Flask

from campaign.i18n.site import serve_in_every_language
from campaign.subscribers import console, views
from campaign.subscribers.cli import import_commands


def init_app(app: Flask) -> None:
    """Register the subscribers' pages, console and command."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/subscribers")
    app.cli.add_command(import_commands)
