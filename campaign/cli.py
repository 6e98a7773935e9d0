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
    app.cli.add_command(export_commands)
    app.cli.add_command(mailer_commands)
