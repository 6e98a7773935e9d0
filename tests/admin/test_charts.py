"""Charts drawn on the server: well-formed SVG with a bar for every day or status (zero ones
too), named for screen readers, and a table beside each whose numbers are the database's."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from campaign.charts import bar_chart, column_chart
from campaign.db import utcnow
from campaign.donations.models import Donation, DonationStatus
from campaign.extensions import db
from campaign.petitions.models import Signature, SignatureStatus
from campaign.petitions.reports import STATS_DAYS
from campaign.updates.models import Delivery, DeliveryStatus, UpdateStatus
from tests.factories.donations import make_appeal, make_donation
from tests.factories.petitions import make_petition, make_signature
from tests.factories.subscribers import make_subscriber
from tests.factories.updates import make_update
from tests.helpers import svg_in

SVG = "{http://www.w3.org/2000/svg}"
RTL_LABEL = "ئۇيغۇرچە ھەپتىنىڭ كۈنى"
LONG_LABEL = "A label far longer than any day or status " * 6


def bars(svg) -> list:
    return svg.findall(f"{SVG}rect")


def test_a_column_chart_names_itself_and_draws_a_column_for_every_value_zero_too(app):
    series = [("Mon", 3), ("Tue", 0), ("Wed", 0), ("Thu", 12)]
    with app.test_request_context():
        svg = svg_in(column_chart(series, chart_id="c", title="Per day", description="d"), "c")

    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Per day"
    assert len(bars(svg)) == 4
    heights = [float(rect.get("height")) for rect in bars(svg)]
    assert heights[1] == heights[2] == 0 and heights[3] > heights[0] > 0
    assert [rect.find(f"{SVG}title").text for rect in bars(svg)][1] == "Tue: 0"


def test_right_to_left_long_and_markup_like_labels_stay_inside_well_formed_svg(app):
    series = [(RTL_LABEL, 1), (LONG_LABEL, 2), ('<b>"&"</b>', 0)]
    with app.test_request_context():
        columns = svg_in(column_chart(series, chart_id="a", title="<T>"), "a")
        rows = svg_in(bar_chart(series, chart_id="b", title="T"), "b")

    for svg in (columns, rows):
        assert svg.get("direction") == "ltr"  # a right-to-left page does not swap the anchors
        assert len(bars(svg)) == 3
        shown = [text.text for text in svg.iter(f"{SVG}text") if text.get("class") == "chart-label"]
        assert all(len(label) <= 24 for label in shown)  # cut, so they cannot leave the frame
        whole = [rect.find(f"{SVG}title").text for rect in bars(svg)]
        assert whole[0] == f"{RTL_LABEL}: 1" and whole[1].startswith(LONG_LABEL.strip())
        assert whole[2] == '<b>"&"</b>: 0'  # escaped as text, read back as the same text
        width = float(svg.get("width"))
        for rect in bars(svg):
            assert (
                float(rect.get("x")) >= 0
                and float(rect.get("x")) + float(rect.get("width")) <= width
            )
    assert columns.find(f"{SVG}title").text == "<T>"


def test_an_empty_series_still_makes_a_chart(app):
    with app.test_request_context():
        svg = svg_in(column_chart([], chart_id="e", title="Nothing"), "e")

    assert bars(svg) == []


def test_a_petitions_chart_has_every_day_and_its_table_the_databases_total(client, organiser):
    petition = make_petition()
    now = utcnow()
    make_signature(petition)
    make_signature(petition, confirmed_at=now - timedelta(days=3))
    make_signature(petition, confirmed_at=now - timedelta(days=3))
    make_signature(petition, confirmed=False)
    db.session.commit()

    html = client.get(f"/admin/petitions/{petition.id}").get_data(as_text=True)

    svg = svg_in(html, "confirmed-by-day")
    assert len(bars(svg)) == STATS_DAYS
    assert sum(1 for rect in bars(svg) if float(rect.get("height")) == 0) == STATS_DAYS - 2
    table = html[html.index('id="confirmed-by-day-table"') :].split("</table>")[0]
    cells = [int(n) for n in re.findall(r"</time></td><td>(\d+)</td>", table)]
    confirmed = db.session.scalar(
        select(func.count()).where(
            Signature.petition_id == petition.id, Signature.status == SignatureStatus.CONFIRMED
        )
    )
    assert len(cells) == STATS_DAYS and sum(cells) == confirmed == 3


def test_an_appeals_gifts_by_day_are_charted_per_currency_and_tabled_to_the_penny(
    client, organiser
):
    pounds, dollars = make_appeal(), make_appeal(currency="usd")
    now = utcnow()
    make_donation(pounds, amount=2500, status=DonationStatus.PAID, paid_at=now)
    make_donation(pounds, amount=1050, status=DonationStatus.PAID, paid_at=now - timedelta(days=5))
    make_donation(pounds, amount=9900, status=DonationStatus.PENDING)
    make_donation(dollars, amount=4000, status=DonationStatus.PAID, paid_at=now)
    db.session.commit()

    html = client.get(f"/admin/donations/?appeal={pounds.id}").get_data(as_text=True)
    everything = client.get("/admin/donations/").get_data(as_text=True)

    svg = svg_in(html, "paid-by-day-gbp")
    assert len(bars(svg)) == STATS_DAYS
    assert 'id="paid-by-day-usd"' not in html  # the appeal's currency only
    assert 'id="paid-by-day-gbp"' in everything and 'id="paid-by-day-usd"' in everything
    table = html[html.index('id="paid-by-day-table"') :].split("</table>")[0]
    amounts = [Decimal(n.replace(",", "")) for n in re.findall(r"<td>£([\d,.]+)</td>", table)]
    paid = db.session.scalar(
        select(func.sum(Donation.amount)).where(
            Donation.appeal_id == pounds.id, Donation.status == DonationStatus.PAID
        )
    )
    assert len(amounts) == STATS_DAYS and amounts.count(Decimal("0.00")) == STATS_DAYS - 2
    assert sum(amounts) * 100 == paid == 3550


def test_an_updates_delivery_outcomes_are_charted_beside_their_counts(client, organiser):
    update = make_update(status=UpdateStatus.SENT, started_at=utcnow(), finished_at=utcnow())
    outcomes = [DeliveryStatus.SENT] * 3 + [DeliveryStatus.FAILED, DeliveryStatus.UNCERTAIN]
    for status in outcomes:
        db.session.add(
            Delivery(update_id=update.id, subscriber_id=make_subscriber().id, status=status)
        )
    db.session.commit()

    html = client.get(f"/admin/updates/{update.id}/progress").get_data(as_text=True)

    svg = svg_in(html, "deliveries-by-status")
    assert svg.get("role") == "img"
    values = {
        rect.find(f"{SVG}title").text.split(": ")[0]: int(
            rect.find(f"{SVG}title").text.split(": ")[1]
        )
        for rect in bars(svg)
    }
    assert values == {
        "Queued": 0,
        "Being sent": 0,
        "Sent": 3,
        "Failed": 1,
        "Skipped": 0,
        "Uncertain": 1,
    }
    table = dict(re.findall(r'<td data-count="([a-z]+)">(\d+)</td>', html))
    assert sum(int(n) for n in table.values()) == sum(values.values()) == len(outcomes)
