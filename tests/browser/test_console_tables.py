"""Console tables on a phone-sized screen: a table too wide to show scrolls in its own region,
which the keyboard reaches with Tab and scrolls with the arrow keys."""

import pytest
from playwright.sync_api import Browser, Page

from campaign.accounts.service import create_user
from campaign.extensions import db
from tests.browser.conftest import LiveServer, sign_in

PASSWORD = "a console password for the table test"
EMAIL = "tables@example.org"
MOST_TABS = 80  # every link and field before the table, with room to spare


@pytest.fixture(scope="module")
def organiser(live_server: LiveServer) -> str:
    with live_server.app.app_context():
        create_user(EMAIL, PASSWORD)
        db.session.commit()
    return EMAIL


@pytest.fixture
def phone(browser: Browser, base_url: str, organiser: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, organiser, PASSWORD)
    page.wait_for_url("**/admin/")
    yield page
    context.close()


def tab_to(page: Page, label: str) -> bool:
    """Press Tab until the region named `label` has the focus; False if it never does."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == label:
            return True
    return False


@pytest.mark.parametrize(
    ("path", "label"), [("/admin/subscribers/", "Subscribers"), ("/admin/donations/", "Donations")]
)
def test_a_wide_table_scrolls_by_keyboard_inside_a_named_region(phone: Page, path, label):
    phone.goto(path)
    region = phone.get_by_role("region", name=label, exact=True)
    width, visible = region.evaluate("element => [element.scrollWidth, element.clientWidth]")
    assert width > visible  # too wide for the screen, so it must scroll
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 360  # the page itself does not scroll sideways

    assert tab_to(phone, label)
    phone.keyboard.press("ArrowRight")

    # Keyboard scrolling may be animated: wait for it to move (the wait fails if it never does).
    phone.wait_for_function("element => element.scrollLeft > 0", arg=region.element_handle())
