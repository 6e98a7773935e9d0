import itsdangerous

from campaign.db import utcnow
from campaign.subscribers import subscriptions
from campaign.subscribers.models import SubscriberStatus
from tests.factories.subscribers import SITE, find_subscriber, link, local, make_subscriber, outbox
from tests.helpers import csrf_token

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def unsubscribe_path(subscriber) -> str:
    return local(subscriptions.unsubscribe_url(subscriber))


def test_unsubscribe_link_shows_a_button_and_a_get_changes_nothing(client, session):
    subscriber = make_subscriber()

    page = client.get(unsubscribe_path(subscriber))

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert subscriber.email in html
    assert '<button type="submit">Unsubscribe</button>' in html
    assert 'name="csrf_token"' not in html
    assert "Set-Cookie" not in page.headers
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_one_click_post_unsubscribes_at_once_with_200_no_redirect_no_cookie(app, session):
    subscriber = make_subscriber()
    path = unsubscribe_path(subscriber)
    session.commit()
    mail_client = app.test_client()  # a mail provider: no cookie, no CSRF token, no origin

    response = mail_client.post(path, data=ONE_CLICK)

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert "You are unsubscribed" in response.get_data(as_text=True)
    session.expire_all()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_one_click_post_works_as_multipart_too(client, session):
    subscriber = make_subscriber()

    response = client.post(
        unsubscribe_path(subscriber), data=ONE_CLICK, content_type="multipart/form-data"
    )

    assert response.status_code == 200
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_unsubscribing_twice_is_harmless(client, session):
    subscriber = make_subscriber()
    path = unsubscribe_path(subscriber)

    client.post(path, data=ONE_CLICK)
    left_at = subscriber.unsubscribed_at
    again = client.post(path, data=ONE_CLICK)

    assert again.status_code == 200
    assert subscriber.unsubscribed_at == left_at
    assert "is already unsubscribed" in client.get(path).get_data(as_text=True)


def test_unsubscribe_links_never_expire(client, session, monkeypatch):
    subscriber = make_subscriber()
    three_years_ago = int(utcnow().timestamp()) - 3 * 365 * 24 * 60 * 60
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda signer: three_years_ago)
        path = unsubscribe_path(subscriber)

    assert client.post(path, data=ONE_CLICK).status_code == 200
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_tampered_or_misused_unsubscribe_links_are_a_404_page_in_the_layout(client, session):
    subscriber = make_subscriber()
    path = unsubscribe_path(subscriber)
    confirm_token = local(subscriptions.confirm_url(subscriber)).rsplit("/", 1)[1]

    for bad in (path[:-3] + "abc", f"/unsubscribe/{confirm_token}", "/unsubscribe/nonsense"):
        response = client.post(bad, data=ONE_CLICK)
        html = response.get_data(as_text=True)
        assert response.status_code == 404, bad
        assert "This unsubscribe link is not valid" in html
        assert 'href="/static/site.css"' in html
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_bounced_subscriber_stays_bounced_after_unsubscribing(client, session):
    subscriber = make_subscriber(SubscriberStatus.BOUNCED)

    assert client.post(unsubscribe_path(subscriber), data=ONE_CLICK).status_code == 200
    assert subscriber.status == SubscriberStatus.BOUNCED


def test_subscribing_again_after_leaving_works_end_to_end(client, session):
    headers = {"Origin": SITE}

    def subscribe_and_confirm() -> None:
        client.post("/subscribe", data={"email": "back@example.org"}, headers=headers)
        message = outbox("back@example.org")[-1]
        path = local(link(message.text_body, "/subscribe/confirm/"))
        client.post(path, data={"csrf_token": csrf_token(client, path)})

    subscribe_and_confirm()
    subscriber = find_subscriber("back@example.org")
    client.post(unsubscribe_path(subscriber), data=ONE_CLICK)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED

    subscribe_and_confirm()

    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.confirmed_at > subscriber.unsubscribed_at
    assert [message.template for message in outbox("back@example.org")] == [
        "subscribe_confirm",
        "subscribe_confirm",
    ]
