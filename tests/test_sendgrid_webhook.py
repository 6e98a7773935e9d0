"""POST /webhooks/sendgrid: signed as SendGrid signs it, each event applied once."""

import base64
import json
import logging
import threading
import time
import uuid

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, func, select

from campaign.audience.models import Subscriber, SubscriberStatus
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.emails import transport_check
from campaign.mailer.events import webhook_key_problem
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression
from campaign.webhooks.models import WebhookEvent

URL = "/webhooks/sendgrid"
SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"
READER = "reader@example.org"


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_key_text(private_key: ec.EllipticCurvePrivateKey) -> str:
    """The key as SendGrid's settings page shows it: base64 of the DER SubjectPublicKeyInfo."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


@pytest.fixture
def webhook_key(app_settings, signing_key) -> ec.EllipticCurvePrivateKey:
    app_settings(SENDGRID_WEBHOOK_PUBLIC_KEY=public_key_text(signing_key))
    return signing_key


def signed_headers(key, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """What SendGrid sends: an ECDSA-SHA256 signature of timestamp + body, base64 DER."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = key.sign(stamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {SIGNATURE: base64.b64encode(signature).decode(), TIMESTAMP: stamp}


def event(name: str, email: str = READER, **fields) -> dict:
    return {
        "email": email,
        "timestamp": int(time.time()),
        "event": name,
        "sg_event_id": uuid.uuid4().hex,
        "sg_message_id": "standin-1.filterdrecv-1",
    } | fields


def post_events(client, key, events: list[dict] | bytes, timestamp: int | None = None):
    body = events if isinstance(events, bytes) else json.dumps(events).encode()
    return client.post(
        URL,
        data=body,
        headers=signed_headers(key, body, timestamp) | {"Content-Type": "application/json"},
    )


def sent_message(to: str = READER) -> OutboundEmail:
    message = queue_email("transport_check", to, transport_check("organiser@example.org"))
    message.status = MessageStatus.SENT
    return message


def make_subscriber(email: str = READER, status: str = SubscriberStatus.ACTIVE) -> Subscriber:
    subscriber = Subscriber(email=email, status=status)
    db.session.add(subscriber)
    db.session.flush()
    return subscriber


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# The signature, the clock and the shape of the request.


def test_signed_events_are_applied_and_counted(client, session, webhook_key):
    response = post_events(client, webhook_key, [event("processed"), event("delivered")])

    assert response.status_code == 200
    assert response.get_json() == {"processed": 2, "duplicates": 0}
    assert count(session, WebhookEvent) == 2


def test_a_tampered_body_is_refused(client, session, webhook_key):
    body = json.dumps([event("bounce", type="bounce")]).encode()
    headers = signed_headers(webhook_key, body)

    response = client.post(
        URL, data=body.replace(READER.encode(), b"victim@example.org"), headers=headers
    )

    assert response.status_code == 403
    assert "signature does not match" in response.get_json()["error"]
    assert count(session, Suppression) == 0


def test_a_signature_from_another_key_is_refused(client, session, webhook_key):
    response = post_events(client, ec.generate_private_key(ec.SECP256R1()), [event("bounce")])

    assert response.status_code == 403
    assert count(session, WebhookEvent) == 0


@pytest.mark.parametrize(
    "offset, reason", [(-301, "too old"), (301, "in the future")], ids=["stale", "future"]
)
def test_a_signature_outside_the_replay_window_is_refused(
    client, session, webhook_key, offset, reason
):
    response = post_events(client, webhook_key, [event("bounce")], int(time.time()) + offset)

    assert response.status_code == 403
    assert reason in response.get_json()["error"]
    assert count(session, WebhookEvent) == 0


def test_a_signature_a_little_old_is_still_accepted(client, session, webhook_key):
    response = post_events(client, webhook_key, [event("delivered")], int(time.time()) - 200)

    assert response.status_code == 200


@pytest.mark.parametrize("missing", [SIGNATURE, TIMESTAMP])
def test_a_request_without_the_signature_headers_is_a_bad_request(
    client, session, webhook_key, missing
):
    body = json.dumps([event("bounce")]).encode()
    headers = signed_headers(webhook_key, body)
    del headers[missing]

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert missing in response.get_json()["error"]


@pytest.mark.parametrize(
    "signature",
    ["not base64 at all!", base64.b64encode(b"sixty-four random bytes, not DER").decode(), ""],
    ids=["not-base64", "not-der", "empty"],
)
def test_a_garbage_signature_is_a_bad_request(client, session, webhook_key, signature):
    body = json.dumps([event("bounce")]).encode()
    headers = signed_headers(webhook_key, body) | {SIGNATURE: signature}

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert count(session, WebhookEvent) == 0


def test_a_timestamp_that_is_not_a_number_is_a_bad_request(client, session, webhook_key):
    body = json.dumps([event("bounce")]).encode()
    headers = signed_headers(webhook_key, body) | {TIMESTAMP: "yesterday"}

    response = client.post(URL, data=body, headers=headers)

    assert response.status_code == 400
    assert "whole number of seconds" in response.get_json()["error"]


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"<xml>not json</xml>", "not JSON"),
        (b'{"event": "bounce"}', "JSON array"),
        (b"[1, 2]", "not a JSON object"),
        (b'[{"event": "bounce", "email": "a@example.org"}]', "sg_event_id"),
        (b"\xff\xfe[]", "UTF-8"),
    ],
    ids=["not-json", "not-array", "not-objects", "no-event-id", "not-utf8"],
)
def test_a_signed_but_malformed_body_is_a_bad_request(client, session, webhook_key, body, reason):
    response = post_events(client, webhook_key, body)

    assert response.status_code == 400
    assert reason in response.get_json()["error"]
    assert count(session, WebhookEvent) == 0


def test_without_a_public_key_the_webhook_is_unavailable_and_says_so_in_the_log(
    client, session, app_settings, signing_key, caplog
):
    app_settings(SENDGRID_WEBHOOK_PUBLIC_KEY=None)

    with caplog.at_level(logging.ERROR, logger="campaign.mailer.events"):
        response = post_events(client, signing_key, [event("bounce")])

    assert response.status_code == 503
    assert response.get_json() == {"error": "Webhook not configured."}
    assert "SENDGRID_WEBHOOK_PUBLIC_KEY is not set" in caplog.text


def test_a_key_pasted_as_pem_works_and_a_broken_one_is_reported(signing_key):
    pem = (
        signing_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    rsa_like = base64.b64encode(b"not a key").decode()

    assert webhook_key_problem(public_key_text(signing_key)) is None
    assert webhook_key_problem(pem) is None
    assert "not a base64 public key" in webhook_key_problem(rsa_like)


def test_the_webhook_needs_no_csrf_token_and_no_session(client, session, webhook_key):
    response = post_events(client, webhook_key, [event("open")])

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# Each delivery is applied once.


def test_a_repeated_event_changes_nothing(client, session, webhook_key):
    subscriber = make_subscriber()
    session.commit()
    bounce = event("bounce", type="bounce", reason="550 5.1.1 mailbox unknown")

    first = post_events(client, webhook_key, [bounce])
    # An organiser puts the subscriber back by hand; SendGrid retries the same delivery.
    subscriber.status = SubscriberStatus.ACTIVE
    session.commit()
    again = post_events(client, webhook_key, [bounce, bounce])

    assert first.get_json() == {"processed": 1, "duplicates": 0}
    assert again.get_json() == {"processed": 0, "duplicates": 2}
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert count(session, Suppression) == 1
    assert count(session, WebhookEvent) == 1


# What each event does.


@pytest.mark.parametrize(
    "name, extra, reason, subscriber_status, message_status, left_at",
    [
        ("bounce", {"type": "bounce"}, "bounce", "bounced", "bounced", False),
        ("dropped", {"reason": "Invalid"}, "dropped", "bounced", "bounced", False),
        ("spamreport", {}, "spamreport", "complained", "sent", True),
        ("unsubscribe", {}, "unsubscribe", "unsubscribed", "sent", True),
        ("group_unsubscribe", {"asm_group_id": 1}, "unsubscribe", "unsubscribed", "sent", True),
    ],
)
def test_suppressing_events_suppress_the_address_and_update_the_subscriber(
    client, session, webhook_key, name, extra, reason, subscriber_status, message_status, left_at
):
    subscriber = make_subscriber()
    message = sent_message()
    session.commit()

    response = post_events(
        client,
        webhook_key,
        [event(name, email="Reader@Example.org ", outbound_id=str(message.id), **extra)],
    )

    assert response.status_code == 200
    suppression = session.scalar(select(Suppression).where(Suppression.email == READER))
    assert suppression.reason == reason
    assert suppression.detail.startswith(name)
    assert subscriber.status == subscriber_status
    assert (subscriber.unsubscribed_at is not None) is left_at
    assert message.status == message_status


def test_a_blocked_bounce_is_soft_and_suppresses_nothing(client, session, webhook_key):
    subscriber = make_subscriber()
    message = sent_message()
    session.commit()

    post_events(
        client,
        webhook_key,
        [event("bounce", type="blocked", reason="452 mailbox full", outbound_id=str(message.id))],
    )

    assert count(session, Suppression) == 0
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert message.status == MessageStatus.SENT
    assert message.last_error == "SendGrid reported blocked: 452 mailbox full"


def test_the_strongest_reason_is_kept_whatever_the_order(client, session, webhook_key):
    subscriber = make_subscriber()
    session.commit()

    post_events(client, webhook_key, [event("unsubscribe"), event("spamreport")])
    post_events(client, webhook_key, [event("unsubscribe"), event("bounce", type="bounce")])

    suppression = session.scalar(select(Suppression))
    assert suppression.reason == "spamreport"
    assert subscriber.status == SubscriberStatus.COMPLAINED


def test_an_address_without_a_subscriber_is_still_suppressed(client, session, webhook_key):
    post_events(client, webhook_key, [event("spamreport", email="stranger@example.org")])

    assert session.scalar(select(Suppression.email)) == "stranger@example.org"
    assert count(session, Subscriber) == 0


@pytest.mark.parametrize(
    "before, name, after",
    [
        ("sent", "delivered", "delivered"),
        ("sent", "deferred", "deferred"),
        ("deferred", "delivered", "delivered"),
        ("delivered", "deferred", "delivered"),
        ("bounced", "deferred", "bounced"),
        ("bounced", "delivered", "bounced"),
    ],
)
def test_delivery_events_move_the_outbox_row_forward_only(
    client, session, webhook_key, before, name, after
):
    message = sent_message()
    message.status = before
    session.commit()

    post_events(
        client, webhook_key, [event(name, outbound_id=str(message.id), response="421 busy")]
    )

    assert message.status == after


def test_an_event_for_another_address_leaves_the_row_alone(client, session, webhook_key):
    message = sent_message()
    session.commit()

    post_events(
        client,
        webhook_key,
        [event("bounce", type="bounce", email="someone@else.org", outbound_id=str(message.id))],
    )

    assert message.status == MessageStatus.SENT
    assert session.scalar(select(Suppression.email)) == "someone@else.org"


def test_unknown_events_are_recorded_and_ignored(client, session, webhook_key):
    make_subscriber()
    message = sent_message()
    session.commit()

    response = post_events(
        client,
        webhook_key,
        [
            event("open", outbound_id=str(message.id)),
            event("something_new", outbound_id="not a number"),
        ],
    )

    assert response.get_json() == {"processed": 2, "duplicates": 0}
    types = session.scalars(select(WebhookEvent.event_type).order_by(WebhookEvent.id)).all()
    assert types == ["open", "something_new"]
    assert message.status == MessageStatus.SENT
    assert count(session, Suppression) == 0


def test_a_bounced_address_then_gets_no_mail(client, session, webhook_key):
    post_events(client, webhook_key, [event("bounce", type="bounce")])
    later = queue_email("transport_check", READER, transport_check("organiser@example.org"))
    session.commit()

    report = dispatch_due()

    assert report.suppressed == 1
    assert later.status == MessageStatus.SUPPRESSED
    assert later.attempts == 0


# Two deliveries of one event at once, with real commits on separate connections.


@pytest.fixture
def committed(app):
    with app.app_context():
        yield db.session
        db.session.rollback()
        for model in (WebhookEvent, Suppression, Subscriber):
            db.session.execute(delete(model))
        db.session.commit()
        db.session.remove()


def test_two_deliveries_of_one_event_at_once_apply_it_once(app, committed, webhook_key):
    committed.add(Subscriber(email=READER, status=SubscriberStatus.ACTIVE))
    committed.commit()
    body = json.dumps([event("spamreport")]).encode()
    headers = signed_headers(webhook_key, body)
    start = threading.Barrier(2)
    answers: list[dict] = []

    def deliver() -> None:
        start.wait()
        with app.test_client() as client:
            answers.append(client.post(URL, data=body, headers=headers).get_json())

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(answer["processed"] for answer in answers) == [0, 1]
    assert sorted(answer["duplicates"] for answer in answers) == [0, 1]
    assert count(committed, WebhookEvent) == 1
    assert committed.scalar(select(Subscriber.status)) == SubscriberStatus.COMPLAINED
