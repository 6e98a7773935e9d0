"""`flask --app campaign create-admin EMAIL`: the first (or another) admin account."""

import sys

import click
from flask.cli import with_appcontext

from campaign.accounts.models import Role
from campaign.accounts.service import AccountError, create_user
from campaign.addresses import InvalidEmail
from campaign.cli import fail
from campaign.extensions import db


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.ADMIN.value,
    show_default=True,
)
@with_appcontext
def create_admin(email: str, password_stdin: bool, role: str) -> None:
    """Create an organiser account that can sign in at /admin/login."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role=role)
    except (AccountError, InvalidEmail) as error:
        fail(str(error))
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}. Sign in at /admin/login.")
