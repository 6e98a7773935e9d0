"""People on the app: the "Your data" pages in every language, the console's People page
and `flask people`."""

from flask import Flask

from campaign.i18n.site import serve_in_every_language
from campaign.people import console, views
from campaign.people.cli import people_commands


def init_app(app: Flask) -> None:
    """Register the supporter's own pages, the console's and the commands."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(console.bp, url_prefix="/admin/people")
    app.cli.add_command(people_commands)
