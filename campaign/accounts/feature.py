"""Accounts on the app: signing in under /admin, and `create-admin`."""

from flask import Flask

from campaign.accounts import views
from campaign.accounts.cli import create_admin


def init_app(app: Flask) -> None:
    """Register the sign-in pages and the command that makes an organiser."""
    app.register_blueprint(views.bp, url_prefix="/admin")
    app.cli.add_command(create_admin)
