"""The public pages and the console sign-in, as a reader's browser sees them."""

from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from campaign.content.models import Campaign, CampaignStatus, Explainer, ExplainerStatus
from campaign.content.publishing import next_explainer_position
from campaign.db import utcnow
from campaign.demo.loader import DEMO_ORGANISER_EMAIL
from campaign.extensions import db
from tests.browser.conftest import LiveServer, sign_in

IJOP = "/explainers/how-the-ijop-surveillance-platform-works"
DEMO_EXPLAINERS = [
    "/explainers/what-the-china-cables-are",
    IJOP,
    "/explainers/the-camps-and-the-response",
]


def test_explainer_renders_with_its_diagram_and_learn_more_links(page: Page, output_path: str):
    page.goto(IJOP)

    expect(page.locator("h1")).to_have_text("How the IJOP surveillance platform works")
    diagram = page.locator('img[src="/static/demo/ijop-flow.svg"]')
    # `goto` waits for the load event, so a diagram that failed to load has no width by now.
    assert diagram.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(page.locator(".learn-more li a")).to_have_count(3)

    screenshot = Path(output_path) / "explainer.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0


def test_public_pages_request_nothing_from_another_origin(page: Page, live_server: LiveServer):
    requested: list[str] = []
    csp_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    def note_csp_violation(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp_errors.append(message.text)

    page.on("console", note_csp_violation)

    for path in ["/", "/c/china-cables", *DEMO_EXPLAINERS]:
        response = page.goto(path)
        assert response is not None and response.ok, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path

    # Stylesheet, script and diagram at least, besides the five pages themselves.
    assert len(requested) > 5
    elsewhere = [url for url in requested if not url.startswith(live_server.url + "/")]
    assert elsewhere == []
    assert csp_errors == []


def test_reader_without_javascript_reaches_an_explainer_by_links(browser: Browser, base_url: str):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="The China Cables", exact=True).click()
        expect(page).to_have_url(f"{base_url}/c/china-cables")
        page.get_by_role("link", name="How the IJOP surveillance platform works").click()

        expect(page).to_have_url(base_url + IJOP)
        expect(page.locator("h1")).to_have_text("How the IJOP surveillance platform works")
        expect(page.locator(".prose")).to_contain_text("Integrated Joint Operations Platform")
    finally:
        context.close()


def test_first_tab_focuses_a_visible_skip_link_that_moves_focus_to_main(page: Page):
    page.goto(IJOP)

    page.keyboard.press("Tab")

    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to content")
    box = focused.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"]

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_explainer_fits_a_phone_screen_without_sideways_scrolling(page: Page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(IJOP)

    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_uyghur_explainer_is_laid_out_right_to_left(page: Page, live_server: LiveServer):
    # The server reads committed rows only, so this writes straight into its database.
    with live_server.app.app_context():
        campaign = Campaign(
            slug="xitay-hojjetliri",
            title="خىتاي ھۆججەتلىرى",
            summary="شىنجاڭدىكى لاگېرلار ھەققىدە.",
            language="ug",
            status=CampaignStatus.LIVE,
        )
        db.session.add(campaign)
        db.session.flush()
        explainer = Explainer(
            campaign=campaign,
            slug="xitay-hojjetliri-nime",
            title="خىتاي ھۆججەتلىرى دېگەن نېمە؟",
            summary="قىسقىچە چۈشەندۈرۈش.",
            body="## ھۆججەتلەر\n\nبۇ ھۆججەتلەر 2019-يىلى ئېلان قىلىندى.",
            language="ug",
            status=ExplainerStatus.PUBLISHED,
            published_at=utcnow(),
            position=next_explainer_position(campaign),
        )
        db.session.add(explainer)
        db.session.commit()

    # The page's language is its address's: under /ug/ the whole page is right to left.
    page.goto("/ug/explainers/xitay-hojjetliri-nime")

    expect(page.locator("h1")).to_have_text("خىتاي ھۆججەتلىرى دېگەن نېمە؟")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("article").evaluate("node => getComputedStyle(node).direction") == "rtl"


def test_organiser_signs_in_with_the_one_time_password_and_must_choose_their_own(
    page: Page, live_server: LiveServer
):
    new_password = "a long password of my own choosing"

    sign_in(page, DEMO_ORGANISER_EMAIL, live_server.organiser_password)

    expect(page).to_have_url(f"{live_server.url}/admin/password")
    page.get_by_label("Current password").fill(live_server.organiser_password)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("New password, again").fill(new_password)
    page.get_by_role("button", name="Change password").click()

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Console")
    expect(page.get_by_role("table", name="Campaigns")).to_contain_text("The China Cables")
