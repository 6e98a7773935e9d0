"""`GET /privacy`: what the site stores, why, for how long, who sees it, how to get or erase it."""

from flask import current_app, render_template

from campaign import page_cache
from campaign.privacy_notice.blueprint import bp
from campaign.privacy_notice.facts import privacy_facts


@bp.get("/privacy")
def privacy():
    page_cache.share()  # the same words for every reader of a language
    return render_template("privacy_notice/privacy.html", facts=privacy_facts(current_app.config))
