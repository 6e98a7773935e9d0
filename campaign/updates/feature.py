"""Updates on the app: their page, console, `mailer send`, the sending sweep, what providers
report on their deliveries, and the hub's "Updates" section."""

from flask import Flask

from campaign import signals
from campaign.cli import mailer_commands
from campaign.i18n.site import serve_in_every_language
from campaign.updates import console, views
from campaign.updates.cli import send
from campaign.updates.events import record_delivery_event
from campaign.updates.hub import latest_updates
from campaign.updates.runner import send_updates


def init_app(app: Flask) -> None:
    """Register updates' page, console and command, and connect their hooks."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/updates")
    mailer_commands.add_command(send)
    signals.sweep.connect(send_updates, sender=app)
    signals.mail_event.connect(record_delivery_event, sender=app)
    signals.hub_section.connect(latest_updates, sender=app)
