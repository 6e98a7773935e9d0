"""Giving in another language: the donor's page language is recorded when the checkout starts,
Stripe is asked for it and sends the donor back to pages in it, and the receipt a webhook
sends later is in it. (No catalog is shipped yet, so a page or email shows it is in Uyghur or
Arabic by its `lang`, `dir`, links and Babel's formatting, not by translated words.)"""

import re
from decimal import Decimal
from html import escape
from urllib.parse import urlsplit

import pytest
from babel.numbers import format_currency
from sqlalchemy import select

from campaign.donations.models import Appeal, Donation, Interval
from campaign.donations.stripe.gateway import stripe_locale
from campaign.extensions import db
from campaign.subscribers.models import Subscriber
from tests.factories.donations import make_appeal
from tests.factories.stripe_events import DONOR, SECRET, Gift, event, receipts, send, stripe_id
from tests.helpers import post_form
from tests.standins.stripe import PORTAL_SESSIONS

SITE = "http://campaign.test"
OURS = {"Sec-Fetch-Site": "same-origin"}


def donate(client, prefix: str, appeal: Appeal, **fields: str):
    """Post the donate form of the appeal page at `prefix` (a language's, or "")."""
    data = {"amount": "25", "interval": Interval.ONCE.value} | fields
    return client.post(f"{prefix}/donate/{appeal.slug}", data=data, headers=OURS)


def only_donation() -> Donation:
    [donation] = db.session.scalars(select(Donation)).all()
    return donation


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


# --- the checkout -----------------------------------------------------------------------


def test_a_gift_started_on_a_uyghur_page_is_recorded_in_uyghur_and_returns_to_uyghur_pages(
    client, session, stripe_api
):
    appeal = make_appeal()

    response = donate(client, "/ug", appeal, amount="other", other_amount="12.50")

    assert response.status_code == 303
    assert only_donation().language == "ug"
    [request] = stripe_api.created()
    assert request.params["success_url"] == (
        f"{SITE}/ug/donate/{appeal.slug}/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    )
    cancel = urlsplit(request.params["cancel_url"])
    assert f"{cancel.scheme}://{cancel.netloc}{cancel.path}" == f"{SITE}/ug/donate/{appeal.slug}"
    assert "amount=12.50" in cancel.query


def test_a_gift_started_at_the_root_is_recorded_in_the_default_language(
    client, session, stripe_api
):
    appeal = make_appeal()

    donate(client, "", appeal)

    assert only_donation().language == "en"
    [request] = stripe_api.created()
    assert request.params["success_url"].startswith(f"{SITE}/donate/{appeal.slug}/thanks?")


@pytest.mark.parametrize(
    ("prefix", "locale"),
    [
        ("", "en"),
        ("/zh-Hans", "zh"),  # Stripe's "zh" is Simplified Chinese
        ("/tr", "tr"),
        # Stripe Checkout has no Arabic or Uyghur: the donor's browser language, not ours.
        ("/ar", "auto"),
        ("/ug", "auto"),
    ],
)
def test_stripe_checkout_is_asked_for_the_pages_language_where_it_has_it(
    client, session, stripe_api, prefix, locale
):
    appeal = make_appeal()

    donate(client, prefix, appeal)

    [request] = stripe_api.created()
    assert request.params["locale"] == locale


@pytest.mark.parametrize(
    ("language", "locale"),
    [("zh-Hant", "zh-TW"), ("pt-BR", "pt-BR"), ("fr-BE", "fr"), ("he", "auto"), ("EN", "en")],
)
def test_a_language_is_given_to_stripe_as_stripe_spells_it(language, locale):
    assert stripe_locale(language) == locale


def test_the_local_test_checkout_keeps_the_donor_in_their_language(client, session):
    appeal = make_appeal()

    started = donate(client, "/ug", appeal)
    checkout = started.headers["Location"].removeprefix(SITE)
    page = client.get(checkout)
    paid = post_form(client, checkout, {"action": "pay", "email": DONOR})

    assert checkout.startswith("/ug/donate/test-checkout/")
    assert 'lang="ug" dir="rtl"' in html_tag(page.get_data(as_text=True))
    assert paid.status_code == 303
    assert paid.headers["Location"].startswith(f"{SITE}/ug/donate/{appeal.slug}/thanks?")
    [receipt] = receipts()
    assert 'lang="ug" dir="rtl"' in html_tag(receipt.html_body)


def test_leaving_the_local_test_checkout_returns_to_the_appeal_in_the_donors_language(
    client, session
):
    appeal = make_appeal()

    checkout = donate(client, "/tr", appeal).headers["Location"].removeprefix(SITE)
    left = post_form(client, checkout, {"action": "cancel"})

    assert urlsplit(left.headers["Location"]).path == f"/tr/donate/{appeal.slug}"


# --- the receipt, sent later by a webhook -----------------------------------------------


@pytest.fixture
def signing_secret(app_settings) -> None:
    app_settings(STRIPE_WEBHOOK_SECRET=SECRET)


def test_the_receipt_of_a_uyghur_gift_is_in_uyghur_with_links_to_uyghur_pages(
    client, session, signing_secret
):
    appeal = make_appeal(title="Fund the cables campaign")
    gift = Gift.start(appeal, amount=1000, interval=Interval.MONTH, language="ug")

    response = send(client, event("checkout.session.completed", gift.session()))

    assert response.status_code == 200
    [receipt] = receipts()
    assert 'lang="ug" dir="rtl"' in html_tag(receipt.html_body)
    assert f'href="{SITE}/ug/donate/{appeal.slug}"' in receipt.html_body
    [manage] = re.findall(re.escape(SITE) + r"(/\S*donate/manage/\S+)", receipt.text_body)
    assert manage.startswith("/ug/donate/manage/")
    assert f'href="{SITE}{manage}"' in receipt.html_body
    # The appeal's English title sits in the Uyghur email marked as English.
    assert f'href="{SITE}/ug/donate/{appeal.slug}" lang="en" dir="ltr"' in receipt.html_body
    page = client.get(manage)
    assert page.status_code == 200
    assert 'lang="ug" dir="rtl"' in html_tag(page.get_data(as_text=True))


def test_a_renewal_receipt_is_in_the_language_the_monthly_gift_began_in(
    client, session, signing_secret
):
    appeal = make_appeal()
    gift = Gift.start(appeal, amount=1000, interval=Interval.MONTH, language="ar")
    send(client, event("checkout.session.completed", gift.session()))
    send(client, event("invoice.paid", gift.invoice_object()))

    send(client, event("invoice.paid", gift.invoice_object(stripe_id("in"), "subscription_cycle")))

    first, renewal = db.session.scalars(select(Donation).order_by(Donation.id)).all()
    assert renewal.first_donation_id == first.id
    assert renewal.language == "ar"
    _, renewal_receipt = receipts()
    assert 'lang="ar" dir="rtl"' in html_tag(renewal_receipt.html_body)
    assert f"{SITE}/ar/donate/manage/" in renewal_receipt.text_body
    # Babel's Arabic amount, not the English "£10.00".
    assert format_currency(Decimal("10"), "GBP", locale="ar") in renewal_receipt.text_body


def test_a_donor_who_asks_for_updates_is_asked_to_confirm_in_their_language(
    client, session, signing_secret
):
    gift = Gift.start(subscribe=True, language="ug")

    send(client, event("checkout.session.completed", gift.session()))

    subscriber = db.session.scalar(select(Subscriber).where(Subscriber.email == DONOR))
    assert subscriber.language == "ug"


def test_the_manage_page_opens_stripes_portal_in_the_pages_language(
    client, session, stripe_api, signing_secret
):
    gift = Gift.start(amount=1000, interval=Interval.MONTH, language="tr")
    send(client, event("checkout.session.completed", gift.session()))
    [manage] = re.findall(re.escape(SITE) + r"(/\S*donate/manage/\S+)", receipts()[0].text_body)

    response = post_form(client, manage, {})

    assert response.status_code == 303
    [request] = stripe_api.created(PORTAL_SESSIONS)
    assert request.params["locale"] == "tr"
    assert request.params["return_url"] == f"{SITE}/tr/donate/{gift.donation.appeal.slug}"


# --- the appeal page ----------------------------------------------------------------------


def test_the_arabic_appeal_page_is_right_to_left_with_amounts_as_babel_writes_them_in_arabic(
    client, session
):
    appeal = make_appeal(preset_amounts=[1000, 2500], goal=500_000)

    html = client.get(f"/ar/donate/{appeal.slug}").get_data(as_text=True)

    assert 'lang="ar" dir="rtl"' in html_tag(html)
    for amount in ("10", "25", "5000"):
        arabic = format_currency(Decimal(amount), "GBP", locale="ar")
        assert f"<bdi>{escape(arabic)}</bdi>" in html
    assert "£25.00" not in html
    # The organisers' English title and text are marked as English on the Arabic page.
    assert f'<h1 lang="en" dir="ltr">{appeal.title}</h1>' in html
    assert '<div class="prose" lang="en" dir="ltr">' in html


def test_a_refused_amount_names_the_limit_as_the_pages_language_writes_it(
    client, session, stripe_api
):
    appeal = make_appeal(minimum_amount=500)

    response = donate(client, "/tr", appeal, amount="other", other_amount="4")

    assert response.status_code == 400
    smallest = format_currency(Decimal("5"), "GBP", locale="tr")
    assert f"<bdi>{smallest}</bdi>" in response.get_data(as_text=True)
    assert stripe_api.requests == []


def test_the_english_appeal_page_keeps_its_amounts_and_marks_nothing_as_another_language(
    client, session
):
    appeal = make_appeal(preset_amounts=[2500])

    html = client.get(f"/donate/{appeal.slug}").get_data(as_text=True)

    assert 'lang="en" dir="ltr"' in html_tag(html)
    assert "<bdi>£25.00</bdi>" in html
    assert f"<h1>{appeal.title}</h1>" in html
