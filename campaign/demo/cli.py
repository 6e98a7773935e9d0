"""`flask --app campaign demo load`: the China Cables demo campaign."""

import click
from flask import current_app
from flask.cli import with_appcontext

from campaign.demo.loader import DEMO_ORGANISER_EMAIL, load_demo, site_is_empty
from campaign.extensions import db


@click.group("demo")
def demo() -> None:
    """The demo campaign."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the site has any campaign.")
@with_appcontext
def load(if_empty: bool) -> None:
    """Load the China Cables demo campaign (safe to run again)."""
    if if_empty and not site_is_empty():
        click.echo("The site already has content; the demo was not loaded again.")
    else:
        report = load_demo()
        db.session.commit()
        for item in report.created:
            click.echo(f"created {item}")
        for item in report.updated:
            click.echo(f"updated from its file: {item}")
        for item in report.kept:
            click.echo(f"already there: {item}")
        if report.organiser_password:
            login = current_app.config["SITE_URL"] + "/admin/login"
            click.echo(
                f"\nConsole: {login}\n  email:    {DEMO_ORGANISER_EMAIL}\n"
                f"  password: {report.organiser_password}  (one-time: you choose your own "
                "at first sign-in)\n"
            )
            return
    local = "CAMPAIGN_ENV=development " if current_app.config["ENV_NAME"] == "development" else ""
    click.echo(
        "Console sign-in: use your organiser account, or create one with\n"
        f"  {local}.venv/bin/flask --app campaign create-admin you@example.org"
    )
