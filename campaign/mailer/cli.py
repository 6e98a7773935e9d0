"""`flask mailer …`: send what the outbox holds from the command line."""

import click
from flask.cli import with_appcontext

from campaign.mailer.dispatch import dispatch_due


@click.command("flush")
@with_appcontext
def flush() -> None:
    """Send every message that is due now, and print what happened."""
    try:
        report = dispatch_due()
    except RuntimeError as error:  # the transport's settings are incomplete
        raise click.ClickException(str(error)) from None
    click.echo(
        f"sent {report.sent}, retrying {report.retrying}, "
        f"failed {report.failed}, suppressed {report.suppressed}"
    )
