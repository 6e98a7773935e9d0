"""`flask export donations [--appeal SLUG]`: the donations CSV the console exports."""

import click
from flask.cli import with_appcontext

from campaign.audit import COMMAND_LINE
from campaign.audit.exports import when_written
from campaign.cli import fail
from campaign.csv_safety import counted
from campaign.donations.reports import DonationFilter, appeal_by_slug, donations_csv


@click.command("donations")
@click.option("--appeal", "slug", metavar="SLUG", help="Only this appeal's donations.")
@with_appcontext
def donations(slug: str | None) -> None:
    """Print donations as CSV, newest first (amounts in major units, every status)."""
    chosen = DonationFilter()
    if slug is not None:
        appeal = appeal_by_slug(slug)
        if appeal is None:
            fail(f"There is no appeal with the slug {slug!r}.")
        chosen = DonationFilter(appeal_id=appeal.id)
    written = when_written(
        "export donations",
        object_kind="appeal" if chosen.appeal_id else "",
        object_id=chosen.appeal_id,
        detail=COMMAND_LINE,
    )
    for line in counted(donations_csv(chosen), written):
        click.echo(line, nl=False)
