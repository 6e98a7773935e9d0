"""`/updates/<slug>`: an update as published on the site."""

from flask import abort, render_template
from sqlalchemy import select

from campaign.caching import cached_page
from campaign.extensions import db
from campaign.updates.blueprint import bp
from campaign.updates.models import Update


@bp.get("/updates/<slug>")
@cached_page("content")
def update_page(slug: str):
    update = db.session.scalar(
        select(Update).where(Update.slug == slug, Update.published_at.is_not(None))
    )
    if update is None:
        abort(404)
    return render_template("updates/update.html", update=update)
