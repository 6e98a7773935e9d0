"""The demo's update that was sent before: published on the site and listed on the hub."""

import html

from sqlalchemy import select

from campaign.demo.loader import load_demo
from campaign.updates.models import Update, UpdateStatus

SLUG = "what-china-said-and-what-amnesty-asked"


def test_the_demo_publishes_one_sent_update_on_its_hub(client, session):
    report = load_demo()
    session.commit()
    update = session.scalar(select(Update).where(Update.slug == SLUG))

    hub = html.unescape(client.get("/c/china-cables").get_data(as_text=True))
    page = client.get(f"/updates/{SLUG}")

    assert f"published update {SLUG}" in report.created
    assert update.status == UpdateStatus.SENT and update.published_at.year == 2019
    assert f'href="/updates/{SLUG}"' in hub and update.subject in hub
    assert page.status_code == 200
    assert "pure fabrication and fake news" in html.unescape(page.get_data(as_text=True))
    assert 'href="/petitions/un-access-xinjiang"' in page.get_data(as_text=True)
    assert load_demo().created == []
