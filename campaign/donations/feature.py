"""Donations on the app: appeal pages, console, `export donations` and the "give" boxes."""

from flask import Flask

from campaign import signals
from campaign.cli import export_commands
from campaign.donations import console, views
from campaign.donations.actions import give
from campaign.donations.cli import donations
from campaign.i18n.site import serve_in_every_language


def init_app(app: Flask) -> None:
    """Register donations' pages, console and command, and connect their hook."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/donations")
    export_commands.add_command(donations)
    signals.calls_to_action.connect(give, sender=app)
