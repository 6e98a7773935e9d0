"""POST /webhooks/sendgrid: signed as SendGrid signs it, each event applied once, and an event
of an odd shape recorded as unusable while the rest of its batch applies."""

import base64
import json
import logging
import threading
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from sqlalchemy import func, select

from campaign import signals
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.mailer.dispatch import dispatch_due
from campaign.mailer.emails import transport_check
from campaign.mailer.events import MailEvent, MailEventKind
from campaign.mailer.models import MessageStatus, OutboundEmail, Suppression
from campaign.mailer.sendgrid.events import mail_event
from campaign.mailer.sendgrid.webhook import webhook_key_problem
from campaign.subscribers.models import Subscriber, SubscriberStatus
from campaign.updates.models import Delivery, DeliveryStatus
from campaign.webhooks.fields import Fields
from campaign.webhooks.models import WebhookEvent
from tests.conftest import committed_to
from tests.factories.sendgrid_events import (
    READER,
    SIGNATURE,
    TIMESTAMP,
    event,
    public_key_text,
    signed_headers,
)
from tests.factories.updates import make_update
from tests.odd_values import ODD_VALUES

URL = "/webhooks/sendgrid"


@pytest.fixture(scope="module")
def signing_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture
def webhook_key(app_settings, signing_key) -> ec.EllipticCurvePrivateKey:
    app_settings(SENDGRID_WEBHOOK_PUBLIC_KEY=public_key_text(signing_key))
    return signing_key


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
    assert response.get_json() == {"processed": 2, "duplicates": 0, "unusable": 0, "failed": 0}
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
        (b"\xff\xfe[]", "UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "not JSON"),
        (b"[" * 70 + b"]" * 70, "nested too deeply"),
    ],
    ids=["not-json", "not-array", "not-utf8", "too-deep-to-parse", "too-deep"],
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

    with caplog.at_level(logging.ERROR, logger="campaign.mailer.sendgrid.webhook"):
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


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"event": "delivered"}, MailEventKind.DELIVERED),
        ({"event": "deferred"}, MailEventKind.DEFERRED),
        ({"event": "bounce", "type": "bounce"}, MailEventKind.BOUNCED),
        ({"event": "bounce", "type": "blocked"}, MailEventKind.BLOCKED),
        ({"event": "dropped"}, MailEventKind.DROPPED),
        ({"event": "spamreport"}, MailEventKind.SPAM_REPORT),
        ({"event": "unsubscribe"}, MailEventKind.UNSUBSCRIBED),
        ({"event": "group_unsubscribe"}, MailEventKind.UNSUBSCRIBED),
        ({"event": "open"}, None),
        ({"event": "processed"}, None),
    ],
)
def test_sendgrid_events_are_told_in_our_own_words(fields, kind):
    raw = fields | {"email": " Reader@Example.org", "outbound_id": "7", "delivery_id": 8}

    told = mail_event(Fields(raw, "event"))

    if kind is None:
        assert told is None
    else:
        assert (told.kind, told.email, told.outbound_id, told.delivery_id) == (kind, READER, 7, 8)


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

    assert first.get_json() == {"processed": 1, "duplicates": 0, "unusable": 0, "failed": 0}
    assert again.get_json() == {"processed": 0, "duplicates": 2, "unusable": 0, "failed": 0}
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

    assert response.get_json() == {"processed": 2, "duplicates": 0, "unusable": 0, "failed": 0}
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
    with committed_to(app, WebhookEvent, Suppression, Subscriber) as session:
        yield session


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


# Events of odd shapes: each bad one is recorded as unusable, the rest of its batch applies.

OTHER = "other@example.org"


def record_of(session, sg_event_id: str) -> WebhookEvent:
    return session.scalar(select(WebhookEvent).where(WebhookEvent.event_id == sg_event_id))


def suppressed(session) -> set[str]:
    return set(session.scalars(select(Suppression.email)))


def make_delivery(subscriber: Subscriber) -> Delivery:
    delivery = Delivery(
        update_id=make_update().id, subscriber_id=subscriber.id, status=DeliveryStatus.SENT
    )
    db.session.add(delivery)
    db.session.flush()
    return delivery


# --- one bad event does not fail its batch -------------------------------------------------


def test_a_batch_with_bad_events_applies_the_good_ones(client, session, webhook_key, caplog):
    make_subscriber(READER)
    make_subscriber(OTHER)
    message = sent_message(OTHER)
    session.commit()
    long_address = "a" * 250 + "@example.org"  # 262 characters: more than the column holds
    good_bounce = event("bounce", type="bounce")
    too_long = event("bounce", email=long_address, type="bounce")
    nul = event("spamreport", email="nul\x00@example.org")
    listed = event("unsubscribe", email=[OTHER])
    numeric_type = event(7)
    delivered = event("delivered", email=OTHER, outbound_id=str(message.id))
    batch = [good_bounce, too_long, 42, nul, listed, numeric_type, "bounce", delivered]

    with caplog.at_level(logging.WARNING, logger="campaign.webhooks.dedupe"):
        response = post_events(client, webhook_key, batch)

    assert response.status_code == 200
    assert response.get_json() == {"processed": 2, "duplicates": 0, "unusable": 6, "failed": 0}
    assert suppressed(session) == {READER}
    assert session.scalar(select(Subscriber.status).where(Subscriber.email == READER)) == (
        SubscriberStatus.BOUNCED
    )
    assert session.scalar(select(Subscriber.status).where(Subscriber.email == OTHER)) == (
        SubscriberStatus.ACTIVE
    )
    session.refresh(message)
    assert message.status == MessageStatus.DELIVERED
    assert record_of(session, too_long["sg_event_id"]).reason == (
        "event.email is not a string of at most 254 characters without control characters"
    )
    assert record_of(session, nul["sg_event_id"]).outcome == "unusable"
    assert record_of(session, listed["sg_event_id"]).outcome == "unusable"
    assert record_of(session, numeric_type["sg_event_id"]).reason.startswith("event.event is not")
    not_objects = session.scalars(
        select(WebhookEvent.reason).where(WebhookEvent.event_id.startswith("sha256:"))
    ).all()
    assert not_objects == ["event is not a JSON object"] * 2
    # One line for the operator each, naming the event, never the address.
    assert f"sendgrid event {too_long['sg_event_id']} (bounce) recorded and acknowledged" in (
        caplog.text
    )
    assert long_address not in caplog.text
    assert "nul\x00@example.org" not in caplog.text


def test_a_redelivered_batch_with_bad_events_changes_nothing_more(client, session, webhook_key):
    batch = [event("bounce", type="bounce"), event("bounce", email="x" * 300), "junk"]
    post_events(client, webhook_key, batch)

    again = post_events(client, webhook_key, batch)

    assert again.get_json() == {"processed": 0, "duplicates": 3, "unusable": 0, "failed": 0}
    assert count(session, WebhookEvent) == 3


def test_an_event_without_a_usable_sg_event_id_is_still_applied_once(client, session, webhook_key):
    # Recorded by a digest of its JSON: the same event again, keys in another order, is a
    # repeat.
    make_subscriber()
    session.commit()
    bounce = event("bounce", type="bounce")
    del bounce["sg_event_id"]
    reordered = dict(reversed(list(bounce.items())))

    first = post_events(client, webhook_key, [bounce])
    again = post_events(client, webhook_key, [reordered])

    assert first.get_json()["processed"] == 1
    assert again.get_json() == {"processed": 0, "duplicates": 1, "unusable": 0, "failed": 0}
    assert suppressed(session) == {READER}
    [record] = session.scalars(select(WebhookEvent))
    assert record.event_id.startswith("sha256:")
    assert (record.event_type, record.outcome) == ("bounce", "processed")


@pytest.mark.parametrize("sg_event_id", [7, ["x"], "x" * 201, "id\x00", ""])
def test_an_event_whose_sg_event_id_cannot_be_stored_is_applied_by_its_digest(
    client, session, webhook_key, sg_event_id
):
    response = post_events(
        client, webhook_key, [event("spamreport", email=OTHER, sg_event_id=sg_event_id)]
    )

    assert response.get_json()["processed"] == 1
    assert suppressed(session) == {OTHER}
    assert session.scalar(select(WebhookEvent.event_id)).startswith("sha256:")


def test_an_event_without_a_usable_sg_event_id_but_an_unusable_shape_is_not_applied(
    client, session, webhook_key
):
    bounce = event("bounce", type="bounce", email="z" * 300, sg_event_id=None)

    response = post_events(client, webhook_key, [bounce])

    assert response.get_json()["unusable"] == 1
    assert suppressed(session) == set()


# --- our ids in custom_args ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw_id", ["99999999999", "9" * 25, 2**63, -1, "-1", "0", "²", "12a", 1.0, True, [1]]
)
def test_our_ids_that_are_not_numbers_of_ours_name_no_row(client, session, webhook_key, raw_id):
    subscriber = make_subscriber()
    message = sent_message()
    delivery = make_delivery(subscriber)
    session.commit()

    response = post_events(
        client,
        webhook_key,
        [event("bounce", type="bounce", outbound_id=raw_id, delivery_id=raw_id)],
    )

    assert response.get_json()["processed"] == 1
    session.refresh(message)
    session.refresh(delivery)
    assert (message.status, delivery.event) == (MessageStatus.SENT, None)
    assert suppressed(session) == {READER}  # the address still bounced


def test_our_ids_as_digits_or_numbers_find_their_rows(client, session, webhook_key):
    subscriber = make_subscriber()
    message = sent_message()
    delivery = make_delivery(subscriber)
    session.commit()

    post_events(
        client,
        webhook_key,
        [
            event("delivered", outbound_id=message.id, delivery_id=str(delivery.id)),
            event("bounce", type="bounce", outbound_id=str(message.id), delivery_id=delivery.id),
        ],
    )

    session.refresh(message)
    session.refresh(delivery)
    assert (message.status, delivery.event) == (MessageStatus.BOUNCED, "bounce")


# --- free text from mail servers ----------------------------------------------------------


def test_a_mail_servers_reply_with_control_characters_is_kept_readable(
    client, session, webhook_key
):
    message = sent_message()
    session.commit()
    reply = "550 5.1.1 unknown\r\n550 user\x00" + "!" * 2000

    post_events(
        client,
        webhook_key,
        [event("dropped", reason=reply, status=["5.1.1"], outbound_id=str(message.id))],
    )

    session.refresh(message)
    assert message.last_error.startswith("SendGrid reported dropped: 550 5.1.1 unknown  550 user ")
    assert "\x00" not in message.last_error
    assert len(message.last_error) < 600
    detail = session.scalar(select(Suppression.detail))
    assert detail.startswith("dropped: 550 5.1.1 unknown")
    assert "\x00" not in detail


@pytest.mark.parametrize("stamp", ["yesterday", 1.5, -1, 10**20, True])
def test_an_odd_timestamp_is_the_time_it_arrived(client, session, webhook_key, stamp):
    subscriber = make_subscriber()
    session.commit()

    post_events(client, webhook_key, [event("unsubscribe", timestamp=stamp)])

    session.refresh(subscriber)
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


# --- every field of every event we act on, with every odd value ---------------------------

ACTED_ON = {
    "bounce": {"type": "bounce", "reason": "550 unknown", "status": "5.1.1"},
    "blocked": {"event": "bounce", "type": "blocked", "reason": "452 full"},
    "dropped": {"reason": "Invalid"},
    "spamreport": {},
    "unsubscribe": {},
    "group_unsubscribe": {"asm_group_id": 1},
    "delivered": {"response": "250 ok"},
    "deferred": {"response": "421 busy", "attempt": "1"},
    "open": {},
}


@pytest.mark.parametrize("odd", ODD_VALUES, ids=list(ODD_VALUES))
@pytest.mark.parametrize("name", ACTED_ON, ids=list(ACTED_ON))
def test_every_field_of_every_event_with_an_odd_value_leaves_the_batch_applied(
    client, session, webhook_key, name, odd
):
    subscriber = make_subscriber()
    message = sent_message()
    delivery = make_delivery(subscriber)
    session.commit()
    value = ODD_VALUES[odd]
    template = event(name, outbound_id=str(message.id), delivery_id=str(delivery.id))
    template |= ACTED_ON[name]

    for field in template:
        bad = event(name, outbound_id=str(message.id), delivery_id=str(delivery.id))
        bad = bad | ACTED_ON[name] | {field: value}
        good = event("open", email=OTHER)

        response = post_events(client, webhook_key, [bad, good])

        assert response.status_code == 200, field
        report = response.get_json()
        assert report["failed"] == 0, (field, report)
        assert report["processed"] + report["unusable"] == 2, (field, report)
        assert record_of(session, good["sg_event_id"]).outcome == "processed", field
        # Kept or not, nothing stored holds a control character or overflows its column.
        addresses = session.scalars(select(Suppression.email)).all()
        assert all(len(address) <= 254 for address in addresses), field
        notes = [*addresses, *session.scalars(select(Suppression.detail))]
        notes += session.scalars(select(OutboundEmail.last_error)).all()
        assert not any("\x00" in note for note in notes if note), field


def test_an_event_that_fails_in_the_database_leaves_the_rest_of_its_batch_applied(
    app, client, session, webhook_key, caplog
):
    def suppresses_twice(app: Flask, event: MailEvent) -> None:
        if event.kind == MailEventKind.DELIVERED:
            # A real refusal by the database (a unique index), which on PostgreSQL also
            # aborts the transaction unless it happened inside a savepoint.
            db.session.add(Suppression(email=READER, reason="bounce"))
            db.session.add(Suppression(email=READER, reason="bounce"))
            db.session.flush()

    before, failing, after = event("spamreport", email=OTHER), event("delivered"), event("bounce")
    bounce_after = after | {"type": "bounce", "email": "third@example.org"}

    with signals.mail_event.connected_to(suppresses_twice, sender=app):
        response = post_events(client, webhook_key, [before, failing, bounce_after])

    assert response.status_code == 200
    assert response.get_json() == {"processed": 2, "duplicates": 0, "unusable": 0, "failed": 1}
    assert suppressed(session) == {OTHER, "third@example.org"}
    record = record_of(session, failing["sg_event_id"])
    assert record.outcome == "failed"
    assert record.reason.startswith("applying it raised ")
    assert READER not in caplog.text  # PostgreSQL's DETAIL line names the row's address
