"""Signing the demo petition as a reader does: the form, the email, the button, the count."""

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from campaign.extensions import db
from campaign.petitions.models import Petition, Signature, SignatureStatus
from tests.browser.conftest import LiveServer, mail_to

SLUG = "un-access-xinjiang"
PETITION = f"/petitions/{SLUG}"
REFRESH_SECONDS = 15  # petition.js


def shown_count(page: Page) -> int:
    return int(page.locator("[data-signature-count]").inner_text().replace(",", ""))


def fresh_email() -> str:
    return f"signer-{uuid.uuid4().hex[:12]}@example.org"


def test_reader_signs_confirms_from_the_email_and_is_counted(
    page: Page, new_context: Callable[..., BrowserContext], live_server: LiveServer, tmp_path: Path
):
    email, name = fresh_email(), f"Browser Signer {uuid.uuid4().hex[:4]}"
    page.goto(PETITION)
    before = shown_count(page)

    form = page.locator("form.sign-form")
    form.get_by_label("Your name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Country", exact=True).select_option("GB")
    form.get_by_label("Show my name and country on this page").check()
    form.get_by_role("button", name="Sign the petition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert page.context.cookies() == []  # the form needs no cookie, and none was set

    [message] = mail_to(live_server, tmp_path, email)
    assert message["Subject"] == "Confirm your signature: Let UN investigators into Xinjiang"
    text = message.get_body(preferencelist=("plain",)).get_content()
    [confirm_url] = re.findall(re.escape(live_server.url + PETITION) + r"/confirm/\S+", text)

    # The link opens from the mail app. In a fresh browser: this one may still hold the petition
    # page, fresh for PAGE_MAX_AGE (5 s), which a person reading mail takes longer than.
    mail_app_browser = new_context().new_page()
    mail_app_browser.goto(confirm_url)
    expect(mail_app_browser.get_by_role("heading", level=1)).to_have_text("Confirm your signature")
    mail_app_browser.get_by_role("button", name="Confirm my signature").click()
    thanks = mail_app_browser.get_by_role("heading", level=1)
    expect(thanks).to_have_text("Thank you: your signature counts")
    expect(mail_app_browser.get_by_text(f"You are one of {before + 1:,} people")).to_be_visible()

    mail_app_browser.get_by_role("link", name="Let UN investigators into Xinjiang").first.click()
    expect(mail_app_browser).to_have_url(live_server.url + PETITION)
    count = mail_app_browser.locator("[data-signature-count]")
    expect(count).to_have_text(f"{before + 1:,}")
    signers = mail_app_browser.locator("ul.signers li")
    expect(signers.first).to_contain_text(name)
    expect(signers.first).to_contain_text("United Kingdom")
    expect(mail_app_browser.locator("main")).not_to_contain_text(email)


def test_the_count_refreshes_from_the_json_while_the_page_is_open(
    page: Page, live_server: LiveServer
):
    # A fake clock lets the page's 15-second timer fire at once.
    page.clock.install()
    page.goto(PETITION)
    before = shown_count(page)

    # Someone else's signature is confirmed while the page stays open.
    with live_server.app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == SLUG))
        db.session.add(
            Signature(
                petition=petition,
                name="Someone Else",
                email=fresh_email(),
                country="FR",
                status=SignatureStatus.CONFIRMED,
                confirmed_at=petition.created_at,  # oldest: not among the recent signers
            )
        )
        db.session.commit()

    with page.expect_response(lambda r: r.url.endswith(f"{PETITION}.json"), timeout=5000):
        page.clock.run_for(REFRESH_SECONDS * 1000 + 100)
    expect(page.locator("[data-signature-count]")).to_have_text(f"{before + 1:,}")
    expect(page.locator("[data-goal-bar]")).to_have_attribute("value", str(before + 1))


PHONE = {"width": 360, "height": 640}


def within_first_screen(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_on_a_phone_the_title_the_count_and_a_way_to_sign_are_in_the_first_screen(
    page: Page, live_server: LiveServer
):
    for prefix in ("", "/ug"):
        page.set_viewport_size(PHONE)
        page.goto(prefix + PETITION)
        shortcut = page.locator(".sign-shortcut")

        assert within_first_screen(page, page.get_by_role("heading", level=1))
        assert within_first_screen(page, shortcut)
        assert re.search(r"\d", shortcut.inner_text())  # the count
        shortcut.get_by_role("link").click()
        expect(page.locator("#sign-heading")).to_be_in_viewport()

        # Beside the text on a wide screen, the sign box is in view already: no shortcut.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(prefix + PETITION)
        expect(shortcut).to_be_hidden()
        expect(page.locator("#sign-heading")).to_be_in_viewport()
