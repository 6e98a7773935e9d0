"""The organiser console on the app, under /admin."""

from flask import Flask

from campaign.admin import campaigns, explainers, users, views  # noqa: F401  (see init_app)
from campaign.admin.blueprint import bp


def init_app(app: Flask) -> None:
    """Register the console's dashboard, campaign, explainer and organiser pages."""
    # All four modules imported above add their pages to this one blueprint, whose name the
    # console's endpoints carry (`admin.campaigns`); it is registered once they all have.
    app.register_blueprint(bp, url_prefix="/admin")
