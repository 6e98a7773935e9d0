"""The console in a browser: the dashboard's figures and chart, and the update editor whose
email preview follows the typing and whose audience fields follow "Send to".

Screenshots land in test-results/console/ (`--output`), one per page and width.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from campaign.accounts.service import create_user
from campaign.extensions import db
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "a console password for the editor test"
EMAIL = "editor-test@example.org"
WIDTHS = [1280, 360]
EMAIL_BACKGROUND = "rgb(244, 242, 237)"  # the email's own body colour: its styles applied


@pytest.fixture(scope="module")
def organiser(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        create_user(EMAIL, PASSWORD)
        db.session.commit()
    return EMAIL


@pytest.fixture(scope="module")
def screenshots(pytestconfig: pytest.Config) -> Path:
    folder = Path(pytestconfig.getoption("--output")) / "console"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def console(request, browser: Browser, base_url: str, organiser: str) -> Page:
    context = browser.new_context(
        base_url=base_url, viewport={"width": request.param, "height": 900}
    )
    page = context.new_page()
    sign_in(page, organiser, PASSWORD)
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def width_of(page: Page) -> int:
    return page.viewport_size["width"]


def test_the_dashboard_shows_its_figures_and_chart_within_the_screen(
    console: Page, screenshots: Path
):
    errors: list[str] = []
    console.on("console", lambda message: message.type == "error" and errors.append(message.text))
    console.goto("/admin/")

    expect(console.get_by_role("heading", name="At a glance")).to_be_visible()
    expect(console.locator("li.figure")).to_have_count(12)
    expect(console.get_by_role("img", name="Signatures confirmed per day")).to_be_visible()
    console.screenshot(path=screenshots / f"dashboard-{width_of(console)}.png", full_page=True)

    assert console.evaluate("document.documentElement.scrollWidth") <= width_of(console)
    assert errors == []  # a refused inline style or script would show here


def test_the_editor_previews_as_one_types_and_hides_audience_fields_that_do_not_apply(
    console: Page, screenshots: Path
):
    errors: list[str] = []
    console.on("console", lambda message: message.type == "error" and errors.append(message.text))
    console.goto("/admin/updates/new")
    preview = console.frame_locator("#email-preview")

    expect(console.get_by_label("Which campaign's subscribers")).to_be_hidden()
    expect(console.get_by_label("Which petition's signers")).to_be_hidden()
    expect(console.get_by_label("Only subscribers whose language is")).to_be_visible()
    console.get_by_label("Send to").select_option("petition")
    expect(console.get_by_label("Which petition's signers")).to_be_visible()
    expect(console.get_by_label("Which campaign's subscribers")).to_be_hidden()
    console.get_by_label("Send to").select_option("all")
    expect(console.get_by_label("Which petition's signers")).to_be_hidden()

    console.get_by_label("Subject").fill("Cables, day one")
    console.get_by_label("Text").press_sequentially("The **first** leak", delay=20)

    expect(preview.locator("strong")).to_have_text("first")
    expect(preview.locator("h1")).to_have_text("Cables, day one")
    body = preview.locator("body")
    assert body.evaluate("element => getComputedStyle(element).backgroundColor") == (
        EMAIL_BACKGROUND
    )
    console.get_by_label("Text").press_sequentially(", and the *second*", delay=20)
    expect(preview.locator("em")).to_have_text("second")
    console.locator("#email-preview").scroll_into_view_if_needed()  # painted before the shot
    console.screenshot(path=screenshots / f"editor-{width_of(console)}.png", full_page=True)

    assert console.evaluate("document.documentElement.scrollWidth") <= width_of(console)
    assert errors == []
