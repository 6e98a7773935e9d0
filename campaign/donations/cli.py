"""`flask export donations [--appeal SLUG]`: the donations CSV the console exports."""

import click
from flask.cli import with_appcontext

from campaign.cli import fail
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
    for line in donations_csv(chosen):
        click.echo(line, nl=False)
