"""`flask --app campaign import subscribers FILE.csv`: the console's import, from a shell."""

import sys

import click
from flask.cli import with_appcontext

from campaign.audit import COMMAND_LINE
from campaign.audit.trail import record
from campaign.cli import fail
from campaign.extensions import db
from campaign.subscribers.importing import ImportFileError, ImportReport, check_file, write_rows


@click.group("import")
def import_commands() -> None:
    """Bring lists in from elsewhere."""


@import_commands.command("subscribers")
@click.argument("path", metavar="FILE.csv")
@with_appcontext
def subscribers(path: str) -> None:
    """Import subscribers from a CSV file with a consent column (all rows, or none)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            report, rows = check_file(stream, path)
    except OSError as error:
        fail(f"Cannot read {path}: {error.strerror or error}.")
    except ImportFileError as error:
        fail(str(error))
    if report.refused:
        _print_report(report)
        raise SystemExit(1)
    with click.progressbar(length=len(rows), label="Importing", file=sys.stderr) as bar:
        write_rows(report, rows, progress=bar.update)
    record(
        "import subscribers",
        rows=len(report.imported),
        detail=f"{COMMAND_LINE}; {len(report.kept)} already on the list",
    )
    db.session.commit()
    _print_report(report)


def _print_report(report: ImportReport) -> None:
    for problem in report.refused:
        click.echo(f"line {problem.line}: {problem.email}: refused: {problem.reason}")
    for problem in report.kept:
        click.echo(f"line {problem.line}: {problem.email}: {problem.reason}")
    if report.written:
        click.echo(
            f"{len(report.imported)} of {report.rows} rows imported as active subscribers; "
            f"{len(report.kept)} already on the list."
        )
    else:
        click.echo(
            f"Nothing was imported: {len(report.refused)} of {report.rows} rows were refused. "
            "Fix or remove those lines and run the import again."
        )
