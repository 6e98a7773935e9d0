"""Subscribing on the demo site as a reader does: the form, the email, the button, leaving."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from campaign.extensions import db
from campaign.subscribers.models import Subscriber, SubscriberStatus
from tests.browser.conftest import LiveServer, mail_to

READER = "reader.in.browser@example.org"


def status_of(live_server: LiveServer, email: str) -> str | None:
    with live_server.app.app_context():
        return db.session.scalar(select(Subscriber.status).where(Subscriber.email == email))


def subscribe_on_home_page(page: Page, email: str) -> None:
    page.goto("/")
    box = page.locator("section.subscribe")
    box.get_by_label("Email").fill(email)
    box.get_by_label("Name (optional)").fill("Reader")
    box.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")


def test_reader_subscribes_confirms_and_leaves(page: Page, live_server: LiveServer, tmp_path):
    subscribe_on_home_page(page, READER)

    # The home page's form has no CSRF token and the reader got no cookie for it.
    assert page.context.cookies() == []
    assert status_of(live_server, READER) == SubscriberStatus.PENDING

    [confirmation] = mail_to(live_server, tmp_path, READER)
    assert confirmation["Subject"] == "Confirm your subscription to Campaign"
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    [confirm_url] = re.findall(re.escape(live_server.url) + r"/subscribe/confirm/\S+", text)

    page.goto(confirm_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    assert status_of(live_server, READER) == SubscriberStatus.PENDING  # opening is not confirming
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert status_of(live_server, READER) == SubscriberStatus.ACTIVE

    # Subscribing again sends an "already subscribed" email, which can unsubscribe.
    subscribe_on_home_page(page, READER)
    later = mail_to(live_server, tmp_path, READER)[-1]
    assert later["Subject"] == "You are already subscribed to Campaign"
    assert later["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = later["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith(f"{live_server.url}/unsubscribe/")

    page.goto(unsubscribe_url)
    assert status_of(live_server, READER) == SubscriberStatus.ACTIVE
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert status_of(live_server, READER) == SubscriberStatus.UNSUBSCRIBED
