"""Subscribing in another language: the page's language is the subscriber's, their emails are
in it with links to pages in it, and the pages those links open are in it too.

Most of these messages have no translation yet, so a page or email shows it is in Uyghur by
its `lang`, `dir` and links, by the few words the catalog already has ("Email"), and, with the
petitions' stand-in catalog that wraps every message it is asked for (⟪Subscribe⟫), by having
no English left that did not go through the catalog.
"""

import re

import pytest

from campaign.i18n.translating import save_translation
from campaign.mailer.models import OutboundEmail
from campaign.subscribers import subscriptions
from campaign.subscribers.models import SubscriberStatus
from tests.factories.content import make_campaign
from tests.factories.subscribers import SITE, find_subscriber, link, local, make_subscriber, outbox
from tests.helpers import post_form
from tests.i18n.standin import (
    CLOSE,
    OPEN,
    left_in_english,
    untranslated_lines,
    uyghur_catalog,  # noqa: F401 (a fixture)
)

OURS = {"Origin": SITE}
UYGHUR_EMAIL = "ئېلخەت"  # "Email", as the Uyghur catalog has it


def subscribe(client, prefix: str, email: str, **fields):
    """Post the embedded subscribe form of a page at `prefix` (a language's, or "")."""
    data = {"email": email, "name": "Aygül"} | fields
    return client.post(f"{prefix}/subscribe", data=data, headers=OURS)


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def only_email(to: str) -> OutboundEmail:
    [message] = outbox(to)
    return message


# --- subscribing ----------------------------------------------------------------------------


def test_subscribing_on_the_uyghur_page_records_uyghur_and_answers_in_uyghur(client, session):
    response = subscribe(client, "/ug", "aygul@example.org")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="ug" dir="rtl"' in html_tag(html)
    assert 'href="/ug/subscribe"' in html  # "try again" stays in Uyghur
    subscriber = find_subscriber("aygul@example.org")
    assert subscriber.language == "ug"
    assert subscriber.status == SubscriberStatus.PENDING


def test_the_language_is_the_pages_whatever_a_posted_field_says(client, session):
    subscribe(client, "/ug", "one@example.org", language="en")
    subscribe(client, "", "two@example.org", language="ug")
    subscribe(client, "/zh-Hans", "three@example.org", language="<script>")

    assert find_subscriber("one@example.org").language == "ug"
    assert find_subscriber("two@example.org").language == "en"
    assert find_subscriber("three@example.org").language == "zh-Hans"


def test_the_consent_is_recorded_in_english_whatever_the_pages_language(client, session):
    subscribe(client, "/ar", "ali@example.org")

    consent = find_subscriber("ali@example.org").consent_text
    assert consent == (
        "Send me email updates from Campaign. I can unsubscribe at any time, in one click."
    )


def test_the_uyghur_home_page_embeds_a_form_that_posts_to_the_uyghur_address(client, session):
    html = client.get("/ug/").get_data(as_text=True)

    assert 'action="/ug/subscribe"' in html
    assert f'<label for="subscribe-email">{UYGHUR_EMAIL}</label>' in html
    assert 'name="language"' not in html


def test_errors_show_beside_their_fields_on_the_uyghur_page(client, session):
    response = subscribe(client, "/ug", "not an address", name="x" * 201)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'lang="ug" dir="rtl"' in html_tag(html)
    assert 'action="/ug/subscribe"' in html
    assert 'id="email-error"' in html and 'id="name-error"' in html
    assert f'<label for="email">{UYGHUR_EMAIL}</label>' in html
    assert find_subscriber("not an address") is None


def test_an_empty_address_is_refused_beside_the_field_on_the_arabic_page(client, session):
    response = subscribe(client, "/ar", "")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'lang="ar" dir="rtl"' in html_tag(html)
    assert re.search(r'<p class="error" id="email-error">[^<]+</p>', html)


@pytest.mark.usefixtures("uyghur_catalog")
def test_every_word_of_the_subscribing_pages_goes_through_the_catalog(client, session):
    address = "aygul@example.org"
    pages = {"form": client.get("/ug/subscribe"), "home": client.get("/ug/")}
    # (An address that is not one is refused in campaign/addresses.py's words, not marked yet.)
    pages["errors"] = subscribe(client, "/ug", "", name="x" * 201)
    pages["inbox"] = subscribe(client, "/ug", address)
    confirm = local(link(only_email(address).text_body, "/ug/subscribe/confirm/"))
    pages["confirm"] = client.get(confirm)
    pages["confirmed"] = post_form(client, confirm, {})
    unsubscribe = local(subscriptions.unsubscribe_url(find_subscriber(address)))
    pages["unsubscribe"] = client.get(unsubscribe)
    pages["unsubscribed"] = client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
    pages["already unsubscribed"] = client.get(unsubscribe)
    pages["bad link"] = client.get("/ug/unsubscribe/nonsense")
    pages["bad confirm link"] = client.get("/ug/subscribe/confirm/nonsense")

    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert 'lang="ug" dir="rtl"' in html_tag(html), name
        # The site's name, and the address and name typed, are not the interface's words.
        assert left_in_english(html, "Campaign", address, "x" * 201) == [], name
    errors = pages["errors"].get_data(as_text=True)
    assert f'<p class="error" id="email-error">{OPEN}Enter your email address.{CLOSE}</p>' in errors


@pytest.mark.usefixtures("uyghur_catalog")
def test_every_word_of_both_emails_goes_through_the_catalog(client, session):
    make_subscriber(email="member@example.org", language="ug")

    subscribe(client, "/ug", "new@example.org", campaign=make_campaign(language="ug").slug)
    subscribe(client, "", "member@example.org")

    for address in ("new@example.org", "member@example.org"):
        message = only_email(address)
        assert message.subject.startswith(OPEN) and message.subject.endswith(CLOSE), address
        assert untranslated_lines(message.text_body) == [], address
        footer = message.text_body.split("\n-- \n")[1]
        if address == "member@example.org":
            assert f"{OPEN}Unsubscribe in one click: {SITE}/ug/unsubscribe/" in footer
            assert f'{OPEN}<a href="{SITE}/ug/unsubscribe/' in message.html_body


# --- the confirmation ---------------------------------------------------------------------


def test_the_confirmation_of_a_uyghur_subscriber_is_in_uyghur_with_links_to_uyghur_pages(
    client, session
):
    subscribe(client, "/ug", "aygul@example.org")

    message = only_email("aygul@example.org")
    assert message.template == "subscribe_confirm"
    assert 'lang="ug" dir="rtl"' in html_tag(message.html_body)
    confirm = link(message.text_body, "/ug/subscribe/confirm/")
    assert f'href="{confirm}"' in message.html_body
    assert f'href="{SITE}/ug/"' in message.html_body  # the site's name: the Uyghur home page
    assert f"{SITE}/subscribe/confirm/" not in message.text_body

    page = client.get(local(confirm))
    assert page.status_code == 200
    assert 'lang="ug" dir="rtl"' in html_tag(page.get_data(as_text=True))
    done = post_form(client, local(confirm), {})
    assert done.status_code == 200
    assert 'lang="ug" dir="rtl"' in html_tag(done.get_data(as_text=True))
    assert find_subscriber("aygul@example.org").status == SubscriberStatus.ACTIVE


def test_an_english_subscriber_gets_an_english_confirmation_with_links_at_the_root(client, session):
    subscribe(client, "", "ann@example.org")

    message = only_email("ann@example.org")
    assert find_subscriber("ann@example.org").language == "en"
    assert 'lang="en" dir="ltr"' in html_tag(message.html_body)
    assert message.subject == "Confirm your subscription to Campaign"
    assert "Someone, probably you, asked for email updates from Campaign" in message.text_body
    confirm = link(message.text_body, "/subscribe/confirm/")
    assert local(confirm).startswith("/subscribe/confirm/")
    assert f'href="{SITE}/"' in message.html_body


def test_the_campaign_in_a_confirmation_is_named_in_the_readers_language_where_translated(
    client, session
):
    english = make_campaign(slug="free-them", title="Free them", language="en")
    translated = make_campaign(slug="cables", title="Cut the cables", language="en")
    save_translation(translated, "ug", {"title": "سىملارنى كېسىڭ"})

    subscribe(client, "/ug", "one@example.org", campaign=english.slug)
    subscribe(client, "/ug", "two@example.org", campaign=translated.slug)

    # Untranslated, the English title sits in the Uyghur email marked as English.
    assert '<bdi lang="en" dir="ltr">Free them</bdi>' in only_email("one@example.org").html_body
    second = only_email("two@example.org")
    assert "<bdi>سىملارنى كېسىڭ</bdi>" in second.html_body
    assert "سىملارنى كېسىڭ" in second.text_body
    assert "Cut the cables" not in second.text_body


def test_a_confirmation_asked_for_outside_any_page_is_in_the_language_given(app, session):
    # As the donations webhook asks, in a request that has no page language of its own.
    with app.test_request_context("/webhooks/stripe"):
        subscriptions.request_subscription(
            "donor@example.org",
            "Ayşe",
            source="donation:cables",
            language="tr",
            consent_text="Email me updates.",
        )

    message = only_email("donor@example.org")
    assert 'lang="tr" dir="ltr"' in html_tag(message.html_body)
    link(message.text_body, "/tr/subscribe/confirm/")


# --- already subscribed, and unsubscribing --------------------------------------------------


def test_an_active_subscriber_is_told_in_their_own_language_whatever_page_was_used(client, session):
    english = make_subscriber(email="ann@example.org", language="en")
    uyghur = make_subscriber(email="aygul@example.org", language="ug")

    subscribe(client, "/ug", "ann@example.org")
    subscribe(client, "", "aygul@example.org")

    assert (english.language, uyghur.language) == ("en", "ug")  # a stranger cannot change them
    to_ann, to_aygul = only_email("ann@example.org"), only_email("aygul@example.org")
    assert 'lang="en" dir="ltr"' in html_tag(to_ann.html_body)
    assert to_ann.subject == "You are already subscribed to Campaign"
    link(to_ann.text_body, "/unsubscribe/")
    assert 'lang="ug" dir="rtl"' in html_tag(to_aygul.html_body)
    unsubscribe = link(to_aygul.text_body, "/ug/unsubscribe/")
    assert to_aygul.headers["List-Unsubscribe"] == f"<{unsubscribe}>"


def test_unsubscribing_from_a_uyghur_link_happens_on_uyghur_pages(client, session):
    subscriber = make_subscriber(email="aygul@example.org", language="ug")
    path = local(subscriptions.unsubscribe_url(subscriber))

    page = client.get(path)
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})

    assert path.startswith("/ug/unsubscribe/")
    assert 'lang="ug" dir="rtl"' in html_tag(page.get_data(as_text=True))
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert 'lang="ug" dir="rtl"' in html_tag(html)
    assert 'href="/ug/subscribe"' in html  # "subscribe again", in Uyghur
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize(
    ("path", "language"),
    [("/ug/unsubscribe/nonsense", "ug"), ("/ar/subscribe/confirm/nonsense", "ar")],
)
def test_a_bad_link_under_a_language_is_refused_in_that_language(client, session, path, language):
    response = client.get(path)

    assert response.status_code == 404
    assert f'lang="{language}" dir="rtl"' in html_tag(response.get_data(as_text=True))


def test_an_expired_confirmation_link_offers_to_subscribe_again_in_its_language(
    client, session, app_settings
):
    subscriber = make_subscriber(SubscriberStatus.PENDING, language="ug")
    path = local(subscriptions.confirm_url(subscriber))
    app_settings(CONFIRM_TOKEN_DAYS=-1)

    response = client.get(path)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'lang="ug" dir="rtl"' in html_tag(html)
    assert 'href="/ug/subscribe"' in html


@pytest.mark.parametrize(
    ("stored", "prefix", "tag"),
    [
        ("ug", "/ug", "ug"),
        ("zh", "/zh-Hans", "zh-Hans"),  # the same language, in the site's spelling
        ("zh-hans", "/zh-Hans", "zh-Hans"),
        ("de", "", "en"),  # an imported language the site does not ship: the default
        ("", "", "en"),
    ],
)
def test_an_imported_language_is_written_in_the_sites_spelling_or_falls_back(
    client, session, stored, prefix, tag
):
    subscriber = make_subscriber(language=stored)

    subscriptions.request_subscription(
        subscriber.email, "", source="test", language="tr", consent_text="Yes."
    )

    message = only_email(subscriber.email)
    assert message.template == "already_subscribed"
    assert f'lang="{tag}"' in html_tag(message.html_body)
    link(message.text_body, f"{prefix}/unsubscribe/")
    assert local(subscriptions.confirm_url(subscriber)).startswith(f"{prefix}/subscribe/confirm/")
