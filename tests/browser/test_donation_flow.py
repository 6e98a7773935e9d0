"""Giving on the demo appeal as a donor does, through the local test checkout (the live server
runs in testing mode without Stripe keys): the thermometer moves, the receipt arrives, and a
monthly gift can be stopped from the link in it."""

import re
import uuid
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from campaign.donations.models import Donation
from campaign.extensions import db
from tests.browser.conftest import LiveServer, mail_to

APPEAL = "/donate/fund-the-campaign"
TITLE = "Fund the China Cables campaign"


def thermometer(page: Page) -> tuple[Decimal, int]:
    """What the appeal page shows: pounds raised and donors."""
    box = page.locator(".thermometer")
    amount = box.locator(".count-number strong").inner_text()
    donors = re.search(r"(\d+) donors?", box.locator(".meta").inner_text())
    assert amount.startswith("£") and donors, box.inner_text()
    return Decimal(amount.removeprefix("£").replace(",", "")), int(donors.group(1))


def give(page: Page, amount: str, how_often: str, email: str) -> None:
    """From the appeal page through the test checkout to the thanks page."""
    page.goto(APPEAL)
    form = page.locator("form.donate-form")
    form.get_by_label(amount, exact=True).check()
    form.get_by_label(how_often, exact=True).check()
    form.get_by_role("button", name="Donate").click()

    expect(page.get_by_text("TEST CHECKOUT. No money moves.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Pay {amount}")
    page.get_by_label("Email for the receipt").fill(email)
    page.get_by_label("Name").fill("Browser Donor")
    page.get_by_role("button", name=f"Pay {amount}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")


def test_donor_gives_once_and_monthly_and_stops_the_monthly_gift(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    once, monthly = (f"donor-{uuid.uuid4().hex[:10]}@example.org" for _ in range(2))
    page.goto(APPEAL)
    raised_before, donors_before = thermometer(page)
    # Monthly is never chosen for the donor.
    expect(page.get_by_label("Once", exact=True)).to_be_checked()
    expect(page.get_by_label("Every month", exact=True)).not_to_be_checked()

    give(page, "£25.00", "Once", once)
    expect(page.get_by_text(f"Your donation of £25.00 to {TITLE} is confirmed.")).to_be_visible()
    page.goto(APPEAL)
    assert thermometer(page) == (raised_before + 25, donors_before + 1)

    give(page, "£10.00", "Every month", monthly)
    expect(
        page.get_by_text(f"Your monthly donation of £10.00 to {TITLE} is confirmed.")
    ).to_be_visible()
    page.goto(APPEAL)
    assert thermometer(page) == (raised_before + 35, donors_before + 2)

    [one_off] = mail_to(live_server, tmp_path, once)
    assert one_off["Subject"] == "Thank you: your donation of £25.00"
    assert "/donate/manage/" not in one_off.get_body(preferencelist=("plain",)).get_content()
    [receipt] = mail_to(live_server, tmp_path, monthly)
    assert receipt["Subject"] == "Thank you: your monthly donation of £10.00"
    text = receipt.get_body(preferencelist=("plain",)).get_content()
    assert f"Appeal:    {TITLE}" in text
    [manage_url] = re.findall(re.escape(live_server.url) + r"/donate/manage/\S+", text)

    page.goto(manage_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your monthly gift")
    page.get_by_role("button", name="Stop my monthly gift").click()
    expect(page.get_by_text("Your monthly gift is stopped.")).to_be_visible()
    with live_server.app.app_context():
        status = db.session.scalar(
            select(Donation.subscription_status).where(Donation.donor_email == monthly)
        )
    assert status == "cancelled"
    # What was given stays given.
    page.goto(APPEAL)
    assert thermometer(page) == (raised_before + 35, donors_before + 2)


def test_on_a_phone_the_title_and_a_way_to_give_are_in_the_first_screen(page: Page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto("/donate/fund-the-campaign")
    shortcut = page.locator(".sign-shortcut")

    box = shortcut.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640
    shortcut.get_by_role("link", name="Donate").click()
    expect(page.locator("#give-heading")).to_be_in_viewport()

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/donate/fund-the-campaign")
    expect(shortcut).to_be_hidden()
