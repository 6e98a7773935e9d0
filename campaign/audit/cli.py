"""`flask audit verify`: is the audit trail as it was written?"""

import click
from flask.cli import with_appcontext

from campaign.audit.trail import verify


@click.group("audit")
def audit_commands() -> None:
    """The organisers' audit trail."""


@audit_commands.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every entry's seal; exit 1 naming each entry where the chain breaks."""
    count, breaks = verify()
    for found in breaks:
        click.echo(f"Entry {found.entry_id}: {found.reason}.", err=True)
    if breaks:
        click.echo(f"The audit trail is broken: {len(breaks)} of {count} entries.", err=True)
        raise SystemExit(1)
    click.echo(f"The audit trail is intact: {count} entries.")
