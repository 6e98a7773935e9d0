"""The demo on the app: `demo load`."""

from flask import Flask

from campaign.demo.cli import demo


def init_app(app: Flask) -> None:
    """Add the demo's commands."""
    app.cli.add_command(demo)
