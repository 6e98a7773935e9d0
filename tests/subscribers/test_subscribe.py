import re

import itsdangerous
import pytest

from campaign.db import utcnow
from campaign.subscribers import subscriptions
from campaign.subscribers.models import SubscriberStatus
from tests.factories.content import make_campaign, make_explainer
from tests.factories.subscribers import SITE, find_subscriber, link, local, make_subscriber, outbox
from tests.helpers import csrf_token

# Posts from our own pages say so in Origin (the embedded form has no CSRF token).
OURS = {"Origin": SITE}
CHECK_INBOX = "Check your inbox"
PRESS_AGAIN = "press “Subscribe” once more"


def subscribe(client, email: str, **fields):
    """Post the embedded subscribe form as a browser on one of our pages does."""
    return client.post("/subscribe", data={"email": email, "name": "Ana"} | fields, headers=OURS)


def confirm_path(subscriber) -> str:
    return local(subscriptions.confirm_url(subscriber))


# Every state of an address, and what the visitor sees


def test_new_address_is_pending_with_a_consent_record_and_gets_a_confirmation_email(
    client, session
):
    response = subscribe(client, " New@Example.org ", name="Ana Lima")

    assert response.status_code == 200
    assert CHECK_INBOX in response.get_data(as_text=True)
    subscriber = find_subscriber("new@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.name == "Ana Lima"
    assert subscriber.consent_source == "subscribe-form"
    assert subscriber.consent_text.startswith("Send me email updates from")
    assert subscriber.consent_at is not None
    assert subscriber.confirmed_at is None
    assert [message.template for message in outbox("new@example.org")] == ["subscribe_confirm"]


def test_pending_address_gets_the_confirmation_again(client, session):
    subscribe(client, "twice@example.org")
    subscribe(client, "twice@example.org")

    assert find_subscriber("twice@example.org").status == SubscriberStatus.PENDING
    templates = [message.template for message in outbox("twice@example.org")]
    assert templates == ["subscribe_confirm", "subscribe_confirm"]


def test_active_subscriber_is_told_they_are_already_subscribed_and_nothing_changes(client, session):
    subscriber = make_subscriber(email="member@example.org", name="Original")
    consent_at = subscriber.consent_at

    subscribe(client, "member@example.org", name="Someone else")

    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.name == "Original"
    assert subscriber.consent_at == consent_at
    assert [message.template for message in outbox("member@example.org")] == ["already_subscribed"]


def test_unsubscribed_address_gets_a_confirmation_and_stays_unsubscribed_until_it_confirms(
    client, session
):
    subscriber = make_subscriber(
        SubscriberStatus.UNSUBSCRIBED, email="left@example.org", unsubscribed_at=utcnow()
    )

    subscribe(client, "left@example.org")

    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    [message] = outbox("left@example.org")
    assert message.template == "subscribe_confirm"
    assert "again" in message.subject

    path = local(link(message.text_body, "/subscribe/confirm/"))
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert subscriber.status == SubscriberStatus.ACTIVE


@pytest.mark.parametrize("status", [SubscriberStatus.BOUNCED, SubscriberStatus.COMPLAINED])
def test_bounced_or_complained_address_gets_no_email(client, session, status):
    subscriber = make_subscriber(status, email="gone@example.org")

    response = subscribe(client, "gone@example.org")

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert subscriber.status == status
    assert outbox("gone@example.org") == []


def test_the_page_is_the_same_whatever_the_address_state(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "SUBSCRIBE_RATE_LIMIT", "100 per minute")
    make_subscriber(SubscriberStatus.PENDING, email="pending@example.org")
    make_subscriber(SubscriberStatus.ACTIVE, email="active@example.org")
    make_subscriber(SubscriberStatus.UNSUBSCRIBED, email="left@example.org")
    make_subscriber(SubscriberStatus.BOUNCED, email="bounced@example.org")
    make_subscriber(SubscriberStatus.COMPLAINED, email="complained@example.org")
    addresses = [
        "new@example.org",
        "pending@example.org",
        "active@example.org",
        "left@example.org",
        "bounced@example.org",
        "complained@example.org",
    ]

    responses = [subscribe(client, address) for address in addresses]
    responses.append(subscribe(client, "bot@example.org", website="http://spam.example"))

    assert {response.status_code for response in responses} == {200}
    assert len({response.get_data() for response in responses}) == 1
    assert all("Set-Cookie" not in response.headers for response in responses)


def test_filled_honeypot_gets_the_same_page_and_nothing_happens(client, session):
    response = subscribe(client, "bot@example.org", website="http://spam.example")

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert find_subscriber("bot@example.org") is None
    assert outbox("bot@example.org") == []


def test_one_address_gets_at_most_three_emails_a_day_from_this_form(client, session):
    for _ in range(5):
        assert subscribe(client, "target@example.org").status_code == 200

    assert len(outbox("target@example.org")) == 3


def test_a_bad_email_address_is_shown_beside_the_field(client, session):
    response = subscribe(client, "not an address")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in html
    assert "Enter a valid email address" in html
    assert find_subscriber("not an address") is None


def test_subscribing_on_a_campaign_page_ties_the_subscriber_to_that_campaign(client, session):
    campaign = make_campaign(language="ug")

    subscribe(client, "ug@example.org", campaign=campaign.slug)

    subscriber = find_subscriber("ug@example.org")
    assert subscriber.campaign_id == campaign.id
    assert subscriber.consent_source == f"subscribe-form:{campaign.slug}"
    [message] = outbox("ug@example.org")
    assert campaign.title in message.text_body


def test_an_unknown_campaign_or_a_posted_language_is_ignored(client, session):
    # The language is the page's the form was posted to (tests/subscribers/test_languages.py).
    subscribe(client, "odd@example.org", campaign="no-such-campaign", language="ug")

    subscriber = find_subscriber("odd@example.org")
    assert subscriber.campaign_id is None
    assert subscriber.language == "en"


# Where the form may be posted from


def test_cross_origin_post_without_token_shows_the_form_again_and_creates_nothing(client, session):
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {}):
        response = client.post(
            "/subscribe", data={"email": "victim@example.org", "name": "V"}, headers=headers
        )

        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert PRESS_AGAIN in html
        assert 'value="victim@example.org"' in html
        assert 'name="csrf_token"' in html
    assert find_subscriber("victim@example.org") is None
    assert outbox("victim@example.org") == []


def test_pressing_the_button_again_on_the_shown_form_subscribes(client, session):
    shown = client.post(
        "/subscribe", data={"email": "careful@example.org"}, headers={"Origin": "null"}
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown.get_data(as_text=True))[1]

    again = client.post("/subscribe", data={"email": "careful@example.org", "csrf_token": token})

    assert CHECK_INBOX in again.get_data(as_text=True)
    assert find_subscriber("careful@example.org").status == SubscriberStatus.PENDING


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": SITE},
        {"Origin": "http://localhost"},  # the request's own host
        {"Sec-Fetch-Site": "same-origin"},
        # Origin "null" is what a stricter Referrer-Policy makes browsers send.
        {"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    ],
)
def test_same_origin_post_without_token_subscribes(client, session, headers):
    response = client.post("/subscribe", data={"email": "mine@example.org"}, headers=headers)

    assert CHECK_INBOX in response.get_data(as_text=True)
    assert find_subscriber("mine@example.org").status == SubscriberStatus.PENDING


def test_sec_fetch_site_outweighs_a_matching_origin(client, session):
    headers = {"Origin": SITE, "Sec-Fetch-Site": "same-site"}

    response = client.post("/subscribe", data={"email": "x@example.org"}, headers=headers)

    assert PRESS_AGAIN in response.get_data(as_text=True)
    assert find_subscriber("x@example.org") is None


def test_public_pages_embed_a_cookie_free_form_without_a_token(client, session):
    explainer = make_explainer(make_campaign(slug="free-them", language="en"))
    session.commit()

    for path, campaign_field in [
        ("/", False),
        ("/c/free-them", True),
        (f"/explainers/{explainer.slug}", True),
    ]:
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert 'action="/subscribe"' in html, path
        assert 'name="csrf_token"' not in html, path
        assert "Set-Cookie" not in response.headers, path
        assert ('name="campaign" value="free-them"' in html) is campaign_field, path
        assert '<label for="subscribe-email">Email</label>' in html


# Confirming


def test_confirm_link_shows_a_button_and_a_get_changes_nothing(client, session):
    subscriber = make_subscriber(SubscriberStatus.PENDING)

    page = client.get(confirm_path(subscriber))

    assert page.status_code == 200
    assert "Yes, subscribe me" in page.get_data(as_text=True)
    assert subscriber.status == SubscriberStatus.PENDING


def test_pressing_confirm_subscribes_once_and_again_is_harmless(client, session):
    subscriber = make_subscriber(SubscriberStatus.PENDING)
    path = confirm_path(subscriber)

    first = client.post(path, data={"csrf_token": csrf_token(client, path)})
    confirmed_at = subscriber.confirmed_at
    second = client.post(path, data={"csrf_token": csrf_token(client, path)})

    assert first.status_code == second.status_code == 200
    assert "You are subscribed" in first.get_data(as_text=True)
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert confirmed_at is not None and subscriber.confirmed_at == confirmed_at


def test_confirm_without_its_csrf_token_is_refused(client, session):
    subscriber = make_subscriber(SubscriberStatus.PENDING)

    response = client.post(confirm_path(subscriber))

    assert response.status_code == 400
    assert subscriber.status == SubscriberStatus.PENDING


def test_expired_confirm_link_offers_to_subscribe_again(client, session, monkeypatch):
    subscriber = make_subscriber(SubscriberStatus.PENDING)
    eight_days_ago = int(utcnow().timestamp()) - 8 * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda signer: eight_days_ago)
        path = confirm_path(subscriber)

    page = client.get(path)

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "This link has expired" in html
    assert 'href="/subscribe">Subscribe again</a>' in html
    assert 'href="/static/site.css"' in html  # in the site's layout


def test_tampered_or_misused_links_are_refused(client, session):
    subscriber = make_subscriber(SubscriberStatus.PENDING)
    path = confirm_path(subscriber)
    unsubscribe_token = local(subscriptions.unsubscribe_url(subscriber)).rsplit("/", 1)[1]

    for bad in (
        path[:-2] + "xx",
        f"/subscribe/confirm/{unsubscribe_token}",
        "/subscribe/confirm/x",
    ):
        page = client.get(bad)
        assert page.status_code == 404, bad
        assert "This confirmation link is not valid" in page.get_data(as_text=True)
    assert subscriber.status == SubscriberStatus.PENDING


def test_a_link_for_a_row_whose_address_changed_is_refused(client, session):
    subscriber = make_subscriber(SubscriberStatus.PENDING, email="old@example.org")
    path = confirm_path(subscriber)
    subscriber.email = "new@example.org"
    session.commit()

    assert client.get(path).status_code == 404


def test_a_confirm_link_sent_before_unsubscribing_does_not_bring_them_back(
    client, session, monkeypatch
):
    subscriber = make_subscriber(SubscriberStatus.PENDING)
    eight_hours_ago = int(utcnow().timestamp()) - 8 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda signer: eight_hours_ago)
        old_path = confirm_path(subscriber)
    subscriptions.confirm(subscriber)
    subscriptions.unsubscribe(subscriber)
    session.commit()

    assert client.get(old_path).status_code == 404
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


# Limits


def test_subscribing_is_rate_limited_per_client(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "SUBSCRIBE_RATE_LIMIT", "2 per minute")

    statuses = [subscribe(client, f"r{n}@example.org").status_code for n in range(3)]
    blocked = subscribe(client, "r9@example.org")

    assert statuses == [200, 200, 429]
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert find_subscriber("r9@example.org") is None
    assert client.get("/subscribe").status_code == 200  # reading the form is not limited


def test_confirming_is_rate_limited_per_client(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "CONFIRM_RATE_LIMIT", "1 per minute")
    subscriber = make_subscriber(SubscriberStatus.PENDING)
    path = confirm_path(subscriber)
    token = csrf_token(client, path)

    first = client.post(path, data={"csrf_token": token})
    second = client.post(path, data={"csrf_token": token})

    assert first.status_code == 200
    assert second.status_code == 429


# The emails themselves


def test_confirmation_email_has_both_parts_and_an_absolute_link(client, session):
    subscribe(client, "mail@example.org")

    [message] = outbox("mail@example.org")
    url = link(message.text_body, "/subscribe/confirm/")
    assert message.subject == "Confirm your subscription to Campaign"
    assert "Someone, probably you, asked for email updates from Campaign" in message.text_body
    assert "The link works for 7 days." in message.text_body
    assert "Ana" not in message.text_body + message.html_body  # the typed name is not echoed
    assert f'href="{url}"' in message.html_body
    hrefs = re.findall(r'href="([^"]*)"', message.html_body)
    assert hrefs and all(href.startswith(SITE + "/") for href in hrefs)
    assert "<style" not in message.html_body  # inlined for mail clients
    assert message.headers == {}  # no unsubscribe headers before they have subscribed
    assert "Unsubscribe" not in message.text_body


def test_already_subscribed_email_carries_one_click_unsubscribe(client, session):
    subscriber = make_subscriber(email="member@example.org")

    subscribe(client, "member@example.org")

    [message] = outbox("member@example.org")
    url = subscriptions.unsubscribe_url(subscriber)
    assert url.startswith(SITE + "/unsubscribe/")
    assert message.subject == "You are already subscribed to Campaign"
    assert message.headers == {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert f"Unsubscribe in one click: {url}" in message.text_body  # the footer
    assert message.html_body.count(f'href="{url}"') == 2  # in the text and the footer
    hrefs = re.findall(r'href="([^"]*)"', message.html_body)
    assert all(href.startswith(SITE + "/") for href in hrefs)


# For other features: an address proved elsewhere


def test_subscribe_confirmed_makes_new_and_departed_addresses_active(session):
    left = make_subscriber(SubscriberStatus.UNSUBSCRIBED, unsubscribed_at=utcnow())
    bounced = make_subscriber(SubscriberStatus.BOUNCED)
    options = {"source": "petition:free-them", "language": "en", "consent_text": "Yes."}

    new = subscriptions.subscribe_confirmed("Signer@Example.org", "Signer", **options)
    again = subscriptions.subscribe_confirmed(left.email, "", **options)
    still = subscriptions.subscribe_confirmed(bounced.email, "", **options)

    assert new.email == "signer@example.org"
    assert new.status == again.status == SubscriberStatus.ACTIVE
    assert new.confirmed_at is not None and new.consent_source == "petition:free-them"
    assert again is left and left.consent_text == "Yes."
    assert still.status == SubscriberStatus.BOUNCED


def test_two_requests_adding_one_address_at_once_do_not_fail(session, monkeypatch):
    existing = make_subscriber(SubscriberStatus.PENDING, email="double@example.org")
    real_find = subscriptions.find_subscriber
    answers = [None]  # the first look-up ran before the other request's row was there
    monkeypatch.setattr(
        subscriptions,
        "find_subscriber",
        lambda address: answers.pop() if answers else real_find(address),
    )

    subscriptions.request_subscription(
        "double@example.org", "", source="test", language="en", consent_text="Yes."
    )

    assert find_subscriber("double@example.org") is existing
    assert [message.template for message in outbox("double@example.org")] == ["subscribe_confirm"]
