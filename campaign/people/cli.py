"""`flask --app campaign people export EMAIL` and `people erase EMAIL --yes`: the console's
People page, from a shell. A bad or unknown address exits 2 with one line."""

import click
from flask.cli import with_appcontext

from campaign.addresses import InvalidEmail
from campaign.audit import trail
from campaign.cli import fail
from campaign.extensions import db
from campaign.people import erasing
from campaign.people.exporting import export_json
from campaign.people.finding import Person, find_person

FROM_THE_COMMAND_LINE = "command line"


@click.group("people")
def people_commands() -> None:
    """Find, export and erase what is held about one supporter."""


def _held(email: str) -> Person:
    try:
        person = find_person(email)
    except InvalidEmail as error:
        fail(str(error))
    if not person.found:
        fail("Nothing is held about that address.")
    return person


@people_commands.command("export")
@click.argument("email")
@with_appcontext
def export(email: str) -> None:
    """Print everything held about EMAIL as JSON."""
    person = _held(email)
    trail.record("export person", rows=person.rows, detail=FROM_THE_COMMAND_LINE)
    db.session.commit()
    click.echo(export_json(person), nl=False)


@people_commands.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase: it cannot be undone.")
@with_appcontext
def erase(email: str, yes: bool) -> None:
    """Erase everything held about EMAIL; counts and totals stay as they are."""
    if not yes:
        fail("Erasing cannot be undone: add --yes to erase everything held about that address.")
    person = _held(email)
    erasure = erasing.erase(person)
    trail.record(
        "erase person",
        rows=erasure.total,
        detail=f"{FROM_THE_COMMAND_LINE}: {erasure.summary()}",
    )
    db.session.commit()
    for table, counts in erasure.per_table().items():
        click.echo(f"{table}: {counts['deleted']} deleted, {counts['anonymised']} anonymised")
    click.echo("The address is kept off imports and bulk sends until its owner signs up again.")
