"""Subscribers on the app: their pages, their console and `import subscribers`."""

from flask import Flask

from campaign.subscribers import console, views
from campaign.subscribers.cli import import_commands


def init_app(app: Flask) -> None:
    """Register the subscribers' pages, console and command."""
    app.register_blueprint(views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/subscribers")
    app.cli.add_command(import_commands)
