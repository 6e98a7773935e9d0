"""A new organiser gives the campaign its look in a browser: uploads a photo taken with GPS
on, finds it served without any of it, makes it the hub's hero with a colour of their own, and
is told why a colour too light to read is refused.

Screenshots land in test-results/look/ (`--output`), at a phone's and a desktop's width.
"""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from campaign.accounts.service import create_user
from campaign.content.models import Campaign
from campaign.extensions import db
from tests.browser.conftest import LiveServer, sign_in
from tests.images.uploads import photo_with_everything

PASSWORD = "a console password for the look test"
EMAIL = "look-test@example.org"
ALT = "Candles held up at a night vigil"


@pytest.fixture
def demo_campaign(live_server: LiveServer):
    """The demo campaign, given back its own look after the test."""
    with live_server.app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "china-cables"))
        kept = (campaign.id, campaign.accent_colour, campaign.hero_image_id)
        create_user(EMAIL, PASSWORD)
        db.session.commit()
    yield kept[0]
    with live_server.app.app_context():
        campaign = db.session.get(Campaign, kept[0])
        campaign.accent_colour, campaign.hero_image_id = kept[1], kept[2]
        db.session.commit()


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = Path(pytestconfig.getoption("--output")) / "look"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_organiser_uploads_a_photo_and_gives_the_hub_its_look(
    browser: Browser, base_url: str, demo_campaign: int, screenshots: Path
):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, EMAIL, PASSWORD)
    page.wait_for_url("**/admin/")

    page.get_by_role("link", name="Images").click()
    upload = page.get_by_role("region", name="Upload an image")
    upload.get_by_label("Image file").set_input_files(
        {"name": "vigil.jpg", "mimeType": "image/jpeg", "buffer": photo_with_everything()}
    )
    upload.get_by_label("Image description (alt text)").fill(ALT)
    upload.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Image uploaded and cleaned of its metadata.")).to_be_visible()

    page.goto(f"/admin/campaigns/{demo_campaign}/edit")
    page.get_by_label("Accent colour").fill("#ffd400")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#accent_colour-error")).to_contain_text("too light to read")

    page.get_by_label("Accent colour").fill("#5b2a86")
    page.get_by_label("Hero image").select_option(label=ALT)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Campaign saved.")).to_be_visible()
    context.close()

    for width in (360, 1280):
        reader = browser.new_context(base_url=base_url, viewport={"width": width, "height": 800})
        hub = reader.new_page()
        hub.goto("/c/china-cables")
        hero = hub.locator(".hero-image")
        expect(hero).to_have_attribute("alt", ALT)
        expect(hero).to_have_js_property("complete", True)
        assert hub.evaluate("document.querySelector('.hero-image').naturalWidth") > 0
        link_colour = hub.evaluate("getComputedStyle(document.querySelector('.tagline')).color")
        assert link_colour == "rgb(91, 42, 134)"  # the accent, from the theme stylesheet
        hub.screenshot(path=screenshots / f"hub-{width}.png", full_page=True)
        # What a phone downloaded (from srcset) carries none of what the camera wrote.
        shown = hub.evaluate("document.querySelector('.hero-image').currentSrc")
        served = hub.request.get(shown).body()
        assert b"Secret Photographer" not in served and b"Exif" not in served
        assert not Image.open(io.BytesIO(served)).getexif()
        reader.close()
