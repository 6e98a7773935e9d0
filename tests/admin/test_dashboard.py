"""The console's front page: the figures an organiser checks every hour, each a link to where
it is acted on, counted by the database."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from campaign.admin import figures
from campaign.db import utcnow
from campaign.donations.models import DonationStatus
from campaign.extensions import db
from campaign.mailer.models import MessageStatus
from campaign.petitions.models import Signature, SignatureStatus
from campaign.subscribers.models import SubscriberStatus
from campaign.updates.models import Delivery, DeliveryStatus, UpdateStatus
from tests.factories.donations import make_appeal, make_donation
from tests.factories.mail import make_outbound_email
from tests.factories.petitions import (
    confirm_path,
    make_petition,
    make_signature,
    press_confirm,
    sign,
)
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.helpers import svg_in

SVG = "{http://www.w3.org/2000/svg}"


def figure(html: str, kind: str) -> str:
    """The text of one figure's card on the dashboard."""
    # Up to the next card, or the end of the list: a card holds a list of its own (the money).
    card = (
        rf'<li class="figure" data-figure="{kind}">(.*?)</li>'
        r'\s*(?=<li class="figure"|</ul>\s*</section>)'
    )
    match = re.search(card, html, re.S)
    assert match, f"no {kind} figure on the dashboard"
    return re.sub(r"<[^>]+>", "", match.group(1))


def number(html: str, kind: str) -> int:
    return int(re.search(r"\d+", figure(html, kind)).group())


def dashboard(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_figure_starts_at_zero_on_an_empty_site(client, organiser):
    html = dashboard(client)

    kinds = re.findall(r'data-figure="([a-z-]+)"', html)
    assert len(kinds) == 12
    for kind in set(kinds) - {"raised"}:
        assert number(html, kind) == 0, kind
    assert "No paid donation this week." in figure(html, "raised")
    assert "Level with yesterday (0)" in figure(html, "signatures-today")
    assert "Level with the 7 days before (0)" in figure(html, "signatures-week")


def test_a_signature_signed_and_confirmed_through_the_site_moves_today(client, organiser):
    petition = make_petition(slug="clean-water")
    db.session.commit()
    before = dashboard(client)

    assert sign(client, petition, email="ana@example.org").status_code == 200
    pending = dashboard(client)
    signature = db.session.scalar(select(Signature).where(Signature.petition_id == petition.id))
    assert press_confirm(client, confirm_path(signature)).status_code in (200, 303)
    after = dashboard(client)

    assert number(before, "signatures-today") == 0
    assert number(pending, "pending-signatures") == 1
    assert number(pending, "signatures-today") == 0  # not counted until confirmed
    assert number(after, "signatures-today") == 1
    assert number(after, "signatures-week") == 1
    assert number(after, "pending-signatures") == 0
    today = figure(after, "signatures-today")
    assert "↑" in today and "Up 1 on yesterday (0)" in today


def test_the_trend_says_down_in_words_when_fewer_signed_than_yesterday(session):
    petition = make_petition()
    yesterday = utcnow() - timedelta(days=1)
    for _ in range(3):
        make_signature(petition, confirmed_at=yesterday)
    make_signature(petition)
    make_signature(petition, confirmed_at=utcnow() - timedelta(days=10))  # the week before

    counted = figures.signatures()

    assert (counted.today.now, counted.today.before, counted.today.direction) == (1, 3, "down")
    assert (counted.week.now, counted.week.before, counted.week.direction) == (4, 1, "up")


def test_pending_signatures_subscribers_and_waiting_comments_count(client, organiser):
    petition = make_petition()
    make_signature(petition, confirmed=False)
    make_signature(petition, comment="Well said.")  # confirmed, its comment waits
    make_signature(petition, confirmed=False, comment="Not confirmed: not waiting yet.")
    make_subscriber(status=SubscriberStatus.PENDING)
    make_subscriber()
    db.session.commit()

    html = dashboard(client)

    assert number(html, "pending-signatures") == 2
    assert number(html, "comments") == 1
    assert number(html, "pending-subscribers") == 1


def test_subscribers_gained_and_lost_this_week(client, organiser):
    now = utcnow()
    make_subscriber(confirmed_at=now)
    make_subscriber(confirmed_at=now - timedelta(days=2))
    make_subscriber(confirmed_at=now - timedelta(days=30))  # long ago
    make_subscriber(status=SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=now)
    make_subscriber(status=SubscriberStatus.BOUNCED, unsubscribed_at=now - timedelta(days=3))
    db.session.commit()

    html = dashboard(client)

    assert number(html, "subscribers-gained") == 2
    assert number(html, "subscribers-lost") == 2


def test_paid_donations_show_per_currency_never_summed_together(client, organiser):
    pounds, dollars = make_appeal(), make_appeal(currency="usd")
    now = utcnow()
    make_donation(pounds, amount=2500, status=DonationStatus.PAID, paid_at=now)
    make_donation(pounds, amount=1000, status=DonationStatus.PAID, paid_at=now)
    make_donation(dollars, amount=4000, status=DonationStatus.PAID, paid_at=now)
    make_donation(pounds, amount=9900, status=DonationStatus.PENDING)
    make_donation(pounds, amount=7700, status=DonationStatus.PAID, paid_at=now - timedelta(days=9))
    db.session.commit()

    raised = figure(dashboard(client), "raised")

    assert "£35.00" in raised and "(2 paid donations)" in raised
    assert "$40.00" in raised and "(1 paid donation)" in raised
    assert "£99.00" not in raised and "£112.00" not in raised


def test_failed_outbox_messages_and_failed_deliveries_count(client, organiser):
    make_outbound_email(status=MessageStatus.FAILED)
    make_outbound_email(status=MessageStatus.SENT)
    update = make_update(status=UpdateStatus.SENDING)
    make_update(slug="later", status=UpdateStatus.SCHEDULED)
    for status in (DeliveryStatus.FAILED, DeliveryStatus.SENT):
        db.session.add(
            Delivery(
                update_id=update.id,
                subscriber_id=make_subscriber().id,
                status=status,
                claimed_at=utcnow(),
            )
        )
    db.session.commit()

    html = dashboard(client)

    assert number(html, "failed-outbox") == 1
    assert number(html, "failed-deliveries") == 1
    assert number(html, "updates-sending") == 1
    assert number(html, "updates-scheduled") == 1


def test_each_figure_links_to_a_console_page_that_opens(client, organiser):
    html = dashboard(client)

    links = re.findall(r'<li class="figure" data-figure="[a-z-]+"><a href="([^"]+)"', html)

    assert len(links) == 12
    for link in set(links):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_chart_of_signatures_by_day_has_every_day_and_the_tables_numbers(client, organiser):
    petition = make_petition()
    make_signature(petition)
    make_signature(petition, confirmed_at=utcnow() - timedelta(days=2))
    make_signature(petition, confirmed_at=utcnow() - timedelta(days=2))
    db.session.commit()

    html = dashboard(client)

    svg = svg_in(html, "signatures-by-day")
    assert svg.get("role") == "img"
    assert len(svg.findall(f"{SVG}rect")) == figures.CHART_DAYS
    table = html[html.index('id="signatures-by-day-table"') :].split("</table>")[0]
    cells = [int(n) for n in re.findall(r"</time></td><td>(\d+)</td>", table)]
    assert len(cells) == figures.CHART_DAYS and cells.count(0) == figures.CHART_DAYS - 2
    assert (
        sum(cells)
        == 3
        == db.session.scalar(
            select(db.func.count()).where(Signature.status == SignatureStatus.CONFIRMED)
        )
    )


@pytest.mark.parametrize("path", ["/admin/"])
def test_the_dashboard_needs_a_signed_in_organiser(client, session, path):
    assert client.get(path).status_code == 302
