"""The mailer on the app: the Outbox console and `mailer flush`."""

from flask import Flask

from campaign.cli import mailer_commands
from campaign.mailer import console
from campaign.mailer.cli import flush


def init_app(app: Flask) -> None:
    """Register the Outbox console and the command that sends what is due."""
    app.register_blueprint(console.bp, url_prefix="/admin/mail")
    mailer_commands.add_command(flush)
