"""`flask export signatures SLUG` and `flask petitions recount [SLUG]`."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from campaign.audit import COMMAND_LINE
from campaign.audit.exports import when_written
from campaign.cli import fail
from campaign.csv_safety import counted
from campaign.extensions import db
from campaign.petitions.counting import recount
from campaign.petitions.delivery import delivery_csv
from campaign.petitions.models import Petition


def _petition(slug: str) -> Petition:
    petition = db.session.scalar(select(Petition).where(Petition.slug == slug))
    if petition is None:
        fail(f"There is no petition with the slug {slug!r}.")
    return petition


@click.command("signatures")
@click.argument("slug", metavar="PETITION")
@with_appcontext
def signatures(slug: str) -> None:
    """Print a petition's confirmed signatures as CSV, for delivery (no email addresses)."""
    petition = _petition(slug)
    written = when_written(
        "export signatures", object_kind="petition", object_id=petition.id, detail=COMMAND_LINE
    )
    for line in counted(delivery_csv(petition), written):
        click.echo(line, nl=False)


@click.group("petitions")
def petitions() -> None:
    """Look after petitions."""


@petitions.command("recount")
@click.argument("slug", required=False, metavar="[PETITION]")
@with_appcontext
def recount_command(slug: str | None) -> None:
    """Rebuild the counters of one petition (or every one) from its signatures."""
    if slug is not None:
        chosen = [_petition(slug)]
    else:
        chosen = list(db.session.scalars(select(Petition).order_by(Petition.slug)))
    for petition in chosen:
        before, after = recount(petition)
        # One commit a petition: a long run keeps what it finished if it stops halfway.
        db.session.commit()
        click.echo(f"{petition.slug}: {before:,} → {after:,}")
    if not chosen:
        click.echo("There are no petitions.")
