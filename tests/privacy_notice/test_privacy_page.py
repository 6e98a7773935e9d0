"""The public privacy notice at /privacy says what the settings make the site do, in the
page's language, under every language's prefix, and every page's footer links it."""

import pytest
from babel.numbers import format_decimal

from tests.i18n.standin import (
    OPEN,
    html_tag,
    left_in_english,
    uyghur_catalog,  # noqa: F401 (a fixture)
)


def privacy_page(client, prefix: str = "") -> str:
    response = client.get(f"{prefix}/privacy")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_privacy_page_states_the_default_settings(client, session):
    html = privacy_page(client)

    assert "180 days after a petition closes, its unconfirmed signatures are deleted" in html
    assert "are kept for 30 days" in html
    assert "at least 5 people from there signed" in html
    assert "The confirmation link works for 7 days" in html
    assert "Your IP address is never stored" in html
    assert "the key changes every day (UTC)" in html
    assert "Reading the site sets no cookie" in html
    assert "Your data" in html
    # Without Stripe or SendGrid, neither is named as someone who sees anything.
    assert "This site takes no payments itself" in html
    assert "they are written as files on this site's own server" in html
    assert "Stripe" not in html and "SendGrid" not in html


def test_the_privacy_page_follows_the_configured_numbers_and_services(
    client, session, app_settings
):
    app_settings(
        RETENTION_DAYS=90,
        MAIL_BODY_DAYS=14,
        PUBLIC_BREAKDOWN_MIN=10,
        STRIPE_SECRET_KEY="sk_test_privacy",
        MAIL_TRANSPORT="sendgrid",
        ORGANISATION_NAME="East Turkistan Aid",
        ORGANISATION_ADDRESS="1 Example Street, London",
    )

    html = privacy_page(client)

    assert "90 days after a petition closes" in html
    assert "are kept for 14 days" in html
    assert "at least 10 people from there signed" in html
    assert "Gifts are paid through Stripe" in html
    assert "<li>Stripe, for gifts.</li>" in html
    assert "Emails are delivered by SendGrid" in html
    assert "<li>SendGrid, to deliver our emails.</li>" in html
    assert (
        "You can also write to <bdi>East Turkistan Aid</bdi>, <bdi>1 Example Street, London</bdi>."
        in html
    )


def test_with_smtp_the_page_names_the_organisers_mail_server(client, session, app_settings):
    app_settings(MAIL_TRANSPORT="smtp")

    assert "through a mail server chosen by the organisers" in privacy_page(client)


def test_one_day_is_one_day(client, session, app_settings):
    app_settings(RETENTION_DAYS=1, MAIL_BODY_DAYS=1, PUBLIC_BREAKDOWN_MIN=1)

    html = privacy_page(client)

    assert "1 day after a petition closes" in html
    assert "are kept for 1 day," in html
    assert "at least 1 person from there signed" in html


def test_the_uyghur_privacy_page_is_right_to_left_and_every_word_is_looked_up(
    client,
    session,
    uyghur_catalog,  # noqa: F811 (the fixture imported above)
):
    html = privacy_page(client, "/ug")

    assert html_tag(html) == '<html lang="ug" dir="rtl">'
    assert left_in_english(html, "Campaign") == []  # the organisation's name is its own
    assert f"{OPEN}Privacy" in html
    plurals = [asked[0] for asked in uyghur_catalog.asked if isinstance(asked, tuple)]
    assert any(words.startswith("%(num)s day after a petition closes") for words in plurals)


def test_numbers_are_written_as_the_pages_language_writes_them(client, session, app_settings):
    app_settings(RETENTION_DAYS=1000)

    # Whatever words the Turkish catalog has for it, the number is written the Turkish way.
    page = privacy_page(client, "/tr")
    retention = page[page.index('<p class="retention">') :].split("</p>")[0]
    assert format_decimal(1000, locale="tr") in retention and "1,000" not in retention
    assert '<p class="retention">1,000 days after' in privacy_page(client)


@pytest.mark.parametrize("prefix", ["", "/ug", "/zh-Hans", "/tr", "/ar"])
def test_the_privacy_page_is_served_in_every_language_and_links_its_versions(
    client, session, prefix
):
    html = privacy_page(client, prefix)

    assert '<link rel="alternate" hreflang="ug" href="http://campaign.test/ug/privacy">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://campaign.test/privacy">' in html


@pytest.mark.parametrize("prefix", ["", "/ug"])
def test_every_public_page_links_the_privacy_page_in_its_own_language(client, session, prefix):
    html = client.get(f"{prefix}/").get_data(as_text=True)

    assert f'<a href="{prefix}/privacy">' in html


def test_anyone_may_read_it_without_getting_a_cookie(client, session):
    response = client.get("/privacy")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_privacy_page_takes_no_posts(client, session):
    # It has no form, so there is no token to refuse: a post is refused outright.
    assert client.post("/privacy").status_code == 405
