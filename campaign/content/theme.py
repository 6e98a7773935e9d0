"""A campaign's stylesheet at /theme/<colour>.css: named by what it holds, so kept for a year.

A stylesheet, not a style attribute: the pages' Content-Security-Policy allows styles from
this site only.
"""

from flask import Blueprint, abort, current_app

from campaign.content.identity import accent_refusal, theme_stylesheet

bp = Blueprint("theme", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/theme/<colour>.css")
def stylesheet(colour: str):
    # Only colours a campaign could have: the address cannot be made to serve anything else.
    if colour != colour.lower() or accent_refusal("#" + colour) is not None:
        abort(404)
    response = current_app.response_class(theme_stylesheet("#" + colour), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    return response
