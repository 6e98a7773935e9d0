"""Updates: organisers email their subscribers, and publish the update on the site."""

from flask import Blueprint

bp = Blueprint("updates", __name__)

from campaign.updates import events, hub, runner, views  # noqa: E402, F401  (register on import)
