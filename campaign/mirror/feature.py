"""The mirror on the app: `flask mirror`, and what templates ask while a copy is made."""

from flask import Flask

from campaign.mirror.cli import mirror_commands
from campaign.mirror.rendering import live_site_addresses, mirror_copy


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(mirror_copy=mirror_copy, live_site_addresses=live_site_addresses)
    app.cli.add_command(mirror_commands)
