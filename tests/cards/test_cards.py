"""Social cards: one PNG per shared page, with a petition's live count, drawn again at most
every CARD_MAX_AGE_SECONDS, and again whenever content changes."""

import io
import os
import re
import time
from pathlib import Path

from PIL import Image

from campaign.content.models import CampaignStatus
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition, make_signature


def og_image(page: str) -> str:
    return re.search(r'<meta property="og:image" content="([^"]+)"', page).group(1)


def card_bytes(client, path: str) -> bytes:
    response = client.get(path, buffered=True)
    assert response.status_code == 200, path
    return response.get_data()


def test_every_shared_page_names_a_card_that_is_a_1200_by_630_png(client, session):
    campaign = make_campaign(accent_colour="#1d4f73", tagline="Read it")
    explainer = make_explainer(campaign)
    petition = make_petition(campaign)
    appeal = make_appeal(campaign)
    session.commit()
    for page in (
        "/",
        "/ug/",
        f"/c/{campaign.slug}",
        f"/explainers/{explainer.slug}",
        f"/petitions/{petition.slug}",
        f"/donate/{appeal.slug}",
    ):
        html = client.get(page).get_data(as_text=True)
        url = og_image(html)
        language = "/ug" if page.startswith("/ug/") else ""
        assert url.startswith(f"http://campaign.test{language}/cards/")
        assert 'name="twitter:card" content="summary_large_image"' in html
        response = client.get(url.removeprefix("http://campaign.test"), buffered=True)
        assert response.mimetype == "image/png"
        assert "max-age=300" in response.headers["Cache-Control"]
        picture = Image.open(io.BytesIO(response.get_data()))
        assert (picture.format, picture.size) == ("PNG", (1200, 630))


def test_a_petition_card_follows_its_count_at_most_every_few_minutes(client, session, app_settings):
    petition = make_petition(goal=10)
    make_signature(petition)
    session.commit()
    path = f"/cards/petition/{petition.slug}.png"
    one_signature = card_bytes(client, path)

    make_signature(petition)
    session.commit()
    assert card_bytes(client, path) == one_signature  # drawn a moment ago: kept

    _age_cards(client.application, seconds=301)
    two_signatures = card_bytes(client, path)
    assert two_signatures != one_signature  # past the limit: drawn again, with the new count

    make_signature(petition, confirmed=False)  # not confirmed: not counted
    session.commit()
    _age_cards(client.application, seconds=301)
    assert card_bytes(client, path) == two_signatures


def test_a_change_of_title_draws_the_card_again_at_once(client, session):
    explainer = make_explainer()
    session.commit()
    path = f"/cards/explainer/{explainer.slug}.png"
    before = card_bytes(client, path)
    _age_cards(client.application, seconds=1)  # drawn before the change below
    explainer.title = "A new title"
    session.commit()
    assert card_bytes(client, path) != before


def test_each_language_has_its_own_card(client, session):
    petition = make_petition()
    session.commit()
    english = card_bytes(client, f"/cards/petition/{petition.slug}.png")
    uyghur = card_bytes(client, f"/ug/cards/petition/{petition.slug}.png")
    assert english != uyghur  # "1 signature" is not in Uyghur in the English card


def test_no_card_for_what_is_not_public(client, session):
    draft = make_campaign(status=CampaignStatus.DRAFT)
    hidden = make_petition(draft)
    session.commit()
    assert client.get(f"/cards/campaign/{draft.slug}.png").status_code == 404
    assert client.get(f"/cards/petition/{hidden.slug}.png").status_code == 404
    assert client.get("/cards/petition/nothing-here.png").status_code == 404
    assert client.get("/cards/people/anyone.png").status_code == 404


def _age_cards(app, seconds: int) -> None:
    """As if every card on disk had been drawn `seconds` ago."""
    then = time.time() - seconds
    for path in Path(app.config["CARD_DIR"]).glob("*.png"):
        os.utime(path, (then, then))
