"""The audit trail on the app: its command (and, with the console, its pages)."""

from flask import Flask

from campaign.audit.cli import audit_commands


def init_app(app: Flask) -> None:
    app.cli.add_command(audit_commands)
