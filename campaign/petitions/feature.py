"""Petitions on the app: pages, console, commands, the tally and the "sign" boxes."""

from flask import Flask

from campaign import signals
from campaign.cli import export_commands
from campaign.i18n.site import serve_in_every_language
from campaign.petitions import console, views
from campaign.petitions.actions import sign_petitions
from campaign.petitions.cli import petitions, signatures
from campaign.petitions.counting import tally_sweep


def init_app(app: Flask) -> None:
    """Register petitions' pages, console and commands, and connect their hooks."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/petitions")
    app.cli.add_command(petitions)
    export_commands.add_command(signatures)
    signals.sweep.connect(tally_sweep, sender=app)
    signals.calls_to_action.connect(sign_petitions, sender=app)
