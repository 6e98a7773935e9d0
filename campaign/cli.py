"""Command-line entry points, registered on the app; bad arguments exit 2 with one line."""

import click
from flask import Flask


def fail(message: str) -> None:
    """Stop a command with one clear line on stderr and exit code 2."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


def init_app(app: Flask) -> None:
    from campaign.accounts.cli import create_admin
    from campaign.demo.cli import demo
    from campaign.donations import cli as donations_cli  # noqa: F401  (adds `export donations`)
    from campaign.mailer.cli import mailer
    from campaign.petitions.cli import export_commands, petitions
    from campaign.subscribers.cli import import_commands
    from campaign.updates import cli as updates_cli  # noqa: F401  (adds `mailer send`)

    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(mailer)
    app.cli.add_command(import_commands)
    app.cli.add_command(export_commands)
    app.cli.add_command(petitions)
