"""The webhooks as they run: the app under gunicorn, in production mode, on a database of its
own (PostgreSQL with TEST_DATABASE_URL, else SQLite), receiving signed events of odd shapes.
None may answer 500; what each request did is read back from its committed rows."""

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import stripe
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from campaign import create_app
from campaign.donations.models import Donation, DonationStatus
from campaign.extensions import db
from campaign.mailer.models import Suppression
from campaign.webhooks.models import WebhookEvent
from config import TestingConfig
from tests.factories.donations import make_donation
from tests.factories.sendgrid_events import event as sendgrid_event
from tests.factories.sendgrid_events import public_key_text, signed_headers
from tests.factories.stripe_events import SECRET, event
from tests.processes import gunicorn
from tests.scratch import scratch_database


@dataclass
class Server:
    url: str
    app: Flask  # on the same database: makes rows, reads what requests committed
    key: ec.EllipticCurvePrivateKey  # signs SendGrid events; the server has its public half


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("instance")
    with scratch_database("webhooks", folder) as database_url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = database_url

        app = create_app(Settings)
        with app.app_context():
            upgrade()
        key = ec.generate_private_key(ec.SECP256R1())
        environment = os.environ | {
            "CAMPAIGN_ENV": "production",
            "SECRET_KEY": "gunicorn-webhooks-secret",
            "DATABASE_URL": database_url,
            "CAMPAIGN_INSTANCE_DIR": str(folder),
            "MAIL_FILE_DIR": str(folder / "mail"),
            "MAIL_DISPATCHER": "manual",
            "CELERY_BROKER_URL": "",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "SENDGRID_WEBHOOK_PUBLIC_KEY": public_key_text(key),
        }
        # Two workers, as in production.
        try:
            with gunicorn("campaign:create_app()", environment, folder / "gunicorn.log", 2) as url:
                yield Server(url, app, key)
        finally:
            with app.app_context():
                db.engine.dispose()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def post_stripe(server: Server, body: dict, timestamp: int | None = None) -> tuple[int, dict]:
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET, timestamp)
    return post(
        server.url + "/webhooks/stripe",
        payload.encode(),
        {"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def committed_donation(server: Server) -> tuple[int, str]:
    with server.app.app_context():
        donation = make_donation()
        db.session.commit()
        ids = donation.id, donation.checkout_session_id
        db.session.remove()
    return ids


def read(server: Server, query):
    with server.app.app_context():
        rows = db.session.execute(query).all()
        db.session.remove()
    return rows


def test_odd_stripe_events_under_gunicorn_are_acknowledged_and_recorded(server):
    donation_id, session_id = committed_donation(server)
    paid = {
        "id": session_id,
        "object": "checkout.session",
        "client_reference_id": str(donation_id),
        "amount_total": 2500,
        "currency": "gbp",
        "mode": "payment",
        "payment_intent": "pi_gunicorn_1",
        "payment_status": "paid",
        "customer_details": {"email": "donor@example.org", "name": "Dana\x00Donor"},
    }
    odd = {
        "object-is-a-string": event("checkout.session.completed", "cs_1"),
        "object-is-a-list": event("checkout.session.completed", [paid]),
        "id-is-a-number": event("checkout.session.completed", paid) | {"id": 42},
        "reference-out-of-range": event(
            "checkout.session.completed",
            paid | {"id": "cs_other", "client_reference_id": "99999999999999"},
        ),
        "amount-is-a-string": event("checkout.session.completed", paid | {"amount_total": "25"}),
        "refund-of-a-huge-amount": event(
            "charge.refunded", {"id": "ch_1", "payment_intent": "pi_x", "amount_refunded": 2**70}
        ),
    }

    answers = {name: post_stripe(server, body) for name, body in odd.items()}
    # The real payment, with a donor name PostgreSQL could not store, after all the odd ones.
    paid_answer = post_stripe(server, event("checkout.session.completed", paid))
    future = post_stripe(server, event("customer.created", {}), int(time.time()) + 600)

    assert {name: status for name, (status, _) in answers.items()} == dict.fromkeys(odd, 200)
    assert answers["object-is-a-string"][1]["outcome"] == "unusable"
    assert answers["reference-out-of-range"][1]["outcome"] == "processed"
    assert paid_answer == (200, {"received": True, "outcome": "processed"})
    assert future[0] == 400
    outcomes = [outcome for (outcome,) in read(server, select(WebhookEvent.outcome))]
    assert sorted(outcomes) == ["processed"] * 3 + ["unusable"] * 4
    [(status, name, email)] = read(
        server,
        select(Donation.status, Donation.donor_name, Donation.donor_email).where(
            Donation.id == donation_id
        ),
    )
    assert (status, name, email) == (DonationStatus.PAID, "", "donor@example.org")


def test_a_sendgrid_batch_with_odd_events_under_gunicorn_applies_the_good_ones(server):
    batch = [
        sendgrid_event("bounce", email="a" * 300 + "@example.org", type="bounce"),
        sendgrid_event("bounce", email="nul\x00@example.org", type="bounce"),
        sendgrid_event("delivered", outbound_id=str(2**40), delivery_id=str(2**70)),
        sendgrid_event(["bounce"]),
        "not an event",
        sendgrid_event("spamreport", email="complainer@example.org"),
    ]
    body = json.dumps(batch).encode()
    headers = signed_headers(server.key, body) | {"Content-Type": "application/json"}

    status, report = post(server.url + "/webhooks/sendgrid", body, headers)

    assert status == 200
    assert report == {"processed": 2, "duplicates": 0, "unusable": 4, "failed": 0}
    assert read(server, select(Suppression.email)) == [("complainer@example.org",)]
