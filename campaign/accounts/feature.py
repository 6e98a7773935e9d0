"""Accounts on the app: signing in under /admin, the organisers console, and `create-admin`."""

from flask import Flask

from campaign.accounts import console, devices, views
from campaign.accounts.cli import create_admin

# The second step of signing in and the Security page add their routes to the two blueprints.
from campaign.accounts.factors import console as _security_page  # noqa: F401
from campaign.accounts.factors import views as _second_step  # noqa: F401
from campaign.accounts.factors.passkeys import views as _passkeys  # noqa: F401


def init_app(app: Flask) -> None:
    """Register the sign-in pages (with their second step), the organisers console, the
    Security page and the command that makes an account."""
    app.register_blueprint(views.bp, url_prefix="/admin")
    app.register_blueprint(console.bp, url_prefix="/admin")
    app.cli.add_command(create_admin)
    devices.init_app(app)
