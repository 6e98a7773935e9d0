"""The audit trail on the app: its command, and its console pages under /admin/audit."""

from flask import Flask

from campaign.audit import console
from campaign.audit.cli import audit_commands


def init_app(app: Flask) -> None:
    app.register_blueprint(console.bp, url_prefix="/admin")
    app.cli.add_command(audit_commands)
