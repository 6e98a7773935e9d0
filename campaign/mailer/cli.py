"""`flask mailer …`: send what the outbox holds from the command line."""

import click
from flask.cli import AppGroup

from campaign.mailer.dispatch import dispatch_due

mailer = AppGroup("mailer", help="Send mail from the outbox.")


@mailer.command("flush")
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
