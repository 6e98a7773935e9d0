"""What the features' commands share: one way to fail, and the groups several of them fill.

Each feature adds its own commands in its `init_app`; bad arguments exit 2 with one line.
"""

import click
from flask import Flask


def fail(message: str) -> None:
    """Stop a command with one clear line on stderr and exit code 2."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(2)


@click.group("export")
def export_commands() -> None:
    """Take lists out, as CSV."""


@click.group("mailer")
def mailer_commands() -> None:
    """Send mail from the outbox."""


def init_app(app: Flask) -> None:
    """Put the shared groups on the app's command line; the features fill them."""
    from campaign.accounts.cli import create_admin
    from campaign.audience.cli import import_commands
    from campaign.demo.cli import demo
    from campaign.donations.cli import donations
    from campaign.mailer.cli import flush
    from campaign.petitions.cli import petitions, signatures
    from campaign.updates.cli import send

    app.cli.add_command(export_commands)
    app.cli.add_command(mailer_commands)
    export_commands.add_command(signatures)
    export_commands.add_command(donations)
    mailer_commands.add_command(flush)
    mailer_commands.add_command(send)
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(import_commands)
    app.cli.add_command(petitions)
