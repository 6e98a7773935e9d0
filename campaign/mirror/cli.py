"""`flask --app campaign mirror export DIR [--zip]` and `mirror verify DIR`.

Bad arguments (a directory that holds something else, a missing or broken manifest) exit 2
with one line; a copy that differs from its manifest exits 1, one line for each difference.
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign.cli import fail
from campaign.mirror.export import export_site
from campaign.mirror.manifest import MirrorError, verify

DIFFERS = 1


@click.group("mirror")
def mirror_commands() -> None:
    """Copy the public site as static files, and check a copy."""


@mirror_commands.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--zip", "make_zip", is_flag=True, help="Also write DIRECTORY.zip beside it.")
@with_appcontext
def export(directory: Path, make_zip: bool) -> None:
    """Write the public site, every language, into DIRECTORY as static files."""
    try:
        report = export_site(current_app._get_current_object(), directory, make_zip)
    except MirrorError as error:
        fail(str(error))
    for path, reason in sorted(report.unreachable.items()):
        click.echo(f"Left out {path}: {reason}; links to it were removed.", err=True)
    click.echo(f"Wrote {report.pages} pages, {report.files} files in all, to {report.directory}.")
    if report.zip_path:
        click.echo(f"Wrote {report.zip_path}.")


@mirror_commands.command("verify")
@click.argument("directory", type=click.Path(path_type=Path))
def verify_copy(directory: Path) -> None:
    """Check a copy against its manifest.json: files missing, changed or added."""
    try:
        manifest, differences = verify(directory)
    except MirrorError as error:
        fail(str(error))
    for difference in differences:
        click.echo(str(difference))
    if differences:
        raise SystemExit(DIFFERS)
    click.echo(
        f"OK: all {len(manifest['files'])} files match the manifest of "
        f"{manifest.get('site_url')} exported at {manifest.get('exported_at')}."
    )
