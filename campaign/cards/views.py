"""`/cards/<kind>/<slug>.png`: the social card of a public page, in the page's language."""

from flask import Blueprint, abort, current_app, send_file

from campaign.cards.service import KINDS, Drawn, card_file, home_card_file

bp = Blueprint("cards", __name__)


@bp.get(f"/cards/<any({', '.join(KINDS)}):kind>/<slug>.png")
def card(kind: str, slug: str):
    return _send(card_file(kind, slug) or abort(404))


@bp.get("/cards/home.png")
def home_card():
    return _send(home_card_file())


def _send(drawn: Drawn):
    # Crawlers come back for it; a few minutes' wait is what the card's freshness promises.
    response = send_file(
        drawn.path,
        mimetype="image/png",
        max_age=current_app.config["CARD_MAX_AGE_SECONDS"],
        conditional=True,
    )
    response.cache_control.public = True
    return response
