"""The mailer on the app: the Outbox console, `mailer flush` and the retention of old mail."""

from flask import Flask

from campaign import signals
from campaign.cli import mailer_commands
from campaign.mailer import console
from campaign.mailer.cli import flush
from campaign.mailer.retention import mail_retention_sweep


def init_app(app: Flask) -> None:
    """Register the Outbox console and the command that sends what is due, and connect the
    sweep that removes old mail's words."""
    app.register_blueprint(console.bp, url_prefix="/admin/mail")
    mailer_commands.add_command(flush)
    signals.sweep.connect(mail_retention_sweep, sender=app)
