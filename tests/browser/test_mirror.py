"""A copy of the site opened from a disk (file://), as a reader with a USB stick does: pages
link to each other, the Naskh font and styles load from the copy, and nothing is asked of any
server."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.petitions.models import Petition, Signature, SignatureStatus
from tests.browser.conftest import LiveServer


@pytest.fixture(scope="module")
def copy(live_server: LiveServer, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("mirror") / "site"
    result = live_server.app.test_cli_runner().invoke(args=["mirror", "export", str(directory)])
    assert result.exit_code == 0, result.output
    return directory


def confirmed_signatures(live_server: LiveServer) -> int:
    """The demo petition's confirmed signatures now (other browser tests sign it too)."""
    with live_server.app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(Signature)
            .join(Petition)
            .where(Petition.slug == "un-access-xinjiang")
            .where(Signature.status == SignatureStatus.CONFIRMED)
        )


def test_a_copy_read_from_a_disk_is_whole_and_asks_nothing_of_any_server(
    page: Page, copy, live_server: LiveServer
):
    asked: list[str] = []
    failed: list[str] = []
    count = confirmed_signatures(live_server)  # no test signs while this one runs
    page.on("request", lambda request: asked.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto((copy / "index.html").as_uri())
    page.get_by_role("link", name="The China Cables").first.click()
    page.get_by_role("link", name="Sign the petition").first.click()
    expect(page.locator("[data-signature-count]")).to_have_text(f"{count:,}")
    expect(page.locator(".live-site-note a")).to_have_attribute(
        "href", live_server.url + "/petitions/un-access-xinjiang"
    )
    page.get_by_role("link", name="ئۇيغۇرچە").click()

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.url == (copy / "ug/petitions/un-access-xinjiang/index.html").as_uri()
    assert page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].some("
        "font => font.family.includes('Noto Naskh') && font.status === 'loaded'))"
    )
    assert not failed
    assert all(url.startswith(copy.as_uri() + "/") for url in asked), asked
