"""Accounts on the app: signing in under /admin, the organisers console, and `create-admin`."""

from flask import Flask

from campaign.accounts import console, devices, views
from campaign.accounts.cli import create_admin


def init_app(app: Flask) -> None:
    """Register the sign-in pages, the organisers console and the command that makes one."""
    app.register_blueprint(views.bp, url_prefix="/admin")
    app.register_blueprint(console.bp, url_prefix="/admin")
    app.cli.add_command(create_admin)
    devices.init_app(app)
