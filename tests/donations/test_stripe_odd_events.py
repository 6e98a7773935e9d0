"""POST /webhooks/stripe with events Stripe signed but whose values have odd shapes: a number
where an id belongs, a list where an object belongs, a NUL byte, a string too long for its
column, an integer beyond it. Each is signed for real; none may answer 500 or half apply.
"""

import json
import time
from collections.abc import Callable, Iterator

import pytest
import stripe
from sqlalchemy import String, Text, func, select
from sqlalchemy import event as sqlalchemy_event

from campaign.donations.models import Appeal, Donation, DonationStatus, Interval
from campaign.donations.queries import Raised, raised
from campaign.extensions import db
from campaign.mailer.models import OutboundEmail
from campaign.webhooks.models import WebhookEvent
from tests.factories.donations import make_appeal
from tests.factories.stripe_events import DONOR, SECRET, Gift, event, receipts, send, stripe_id
from tests.odd_values import ODD_VALUES


@pytest.fixture(autouse=True)
def signing_secret(app_settings) -> None:
    app_settings(STRIPE_WEBHOOK_SECRET=SECRET)


def latest_record(session) -> WebhookEvent:
    return session.scalar(select(WebhookEvent).order_by(WebhookEvent.id.desc()).limit(1))


def count_records(session) -> int:
    return session.scalar(select(func.count()).select_from(WebhookEvent))


# --- every handler, every field, every odd value ----------------------------------------
#
# Each scene makes a fresh donation in the state its event type acts on, so the handler
# reads as far as it can; the walk then puts each odd value at each place in the event.


def _monthly(appeal: Appeal) -> Gift:
    return Gift.start(appeal, amount=1000, interval=Interval.MONTH)


def _paid_monthly(appeal: Appeal) -> Gift:
    gift = _monthly(appeal)
    gift.donation.status = DonationStatus.PAID
    gift.donation.subscription_id = gift.subscription
    gift.donation.invoice_id = gift.invoice
    gift.donation.subscription_status = "active"
    db.session.flush()
    return gift


def _paid_one_off(appeal: Appeal, status: str = DonationStatus.PAID) -> Gift:
    gift = Gift.start(appeal, status=status)
    gift.donation.payment_intent_id = gift.payment_intent
    db.session.flush()
    return gift


def _legacy_failed_invoice(appeal: Appeal) -> dict:
    gift = _paid_monthly(appeal)
    invoice = gift.invoice_object(stripe_id("in"), "subscription_cycle", status="open")
    del invoice["parent"]  # API versions before 2025-03-31: the subscription at the top
    return invoice | {"subscription": gift.subscription}


def _invoice_payment(appeal: Appeal) -> dict:
    gift = _paid_monthly(appeal)
    return {
        "id": stripe_id("inpay"),
        "object": "invoice_payment",
        "invoice": gift.invoice,
        "payment": {"type": "payment_intent", "payment_intent": gift.payment_intent},
    }


SCENES: dict[str, tuple[str, Callable[[Appeal], dict]]] = {
    "completed-once": ("checkout.session.completed", lambda a: Gift.start(a).session()),
    "completed-monthly": ("checkout.session.completed", lambda a: _monthly(a).session()),
    "completed-localised": (
        "checkout.session.completed",
        lambda a: Gift.start(a).session(
            currency="eur",
            amount_total=2950,
            currency_conversion={"source_currency": "gbp", "amount_total": 2500},
        ),
    ),
    "async-succeeded": (
        "checkout.session.async_payment_succeeded",
        lambda a: Gift.start(a).session(),
    ),
    "async-failed": (
        "checkout.session.async_payment_failed",
        lambda a: Gift.start(a).session("unpaid"),
    ),
    "expired": ("checkout.session.expired", lambda a: Gift.start(a).session("unpaid")),
    "invoice-first": ("invoice.paid", lambda a: _monthly(a).invoice_object()),
    "invoice-renewal": (
        "invoice.paid",
        lambda a: _paid_monthly(a).invoice_object(stripe_id("in"), "subscription_cycle"),
    ),
    "invoice-failed": ("invoice.payment_failed", _legacy_failed_invoice),
    "invoice-payment": ("invoice_payment.paid", _invoice_payment),
    "subscription-deleted": (
        "customer.subscription.deleted",
        lambda a: {"id": _paid_monthly(a).subscription, "object": "subscription"},
    ),
    "refunded": ("charge.refunded", lambda a: _paid_one_off(a).charge(amount_refunded=1000)),
    "dispute-created": (
        "charge.dispute.created",
        lambda a: _paid_one_off(a).dispute("needs_response"),
    ),
    "dispute-closed": (
        "charge.dispute.closed",
        lambda a: _paid_one_off(a, DonationStatus.DISPUTED).dispute("lost"),
    ),
}


def paths(value: dict, prefix: str = "") -> Iterator[str]:
    """Every place in an object, nested objects and their members alike."""
    for key, member in value.items():
        path = f"{prefix}{key}"
        yield path
        if isinstance(member, dict):
            yield from paths(member, f"{path}.")


def with_value_at(body: dict, path: str, value: object) -> dict:
    copy = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target = copy
    for key in parents:
        target = target[key]
    target[last] = value
    return copy


def stored_strings(session, appeal: Appeal) -> list[str]:
    """Every text value of the appeal's donations (SQLite stores a NUL that PostgreSQL refuses)."""
    columns = Donation.__table__.c
    text_columns = [column for column in columns if isinstance(column.type, String | Text)]
    query = select(*text_columns).where(columns.appeal_id == appeal.id)
    return [value for row in session.execute(query) for value in row if value]


@pytest.mark.parametrize("odd", ODD_VALUES, ids=list(ODD_VALUES))
@pytest.mark.parametrize("scene", SCENES, ids=list(SCENES))
def test_every_field_of_every_handled_event_with_an_odd_value_is_acknowledged_and_recorded(
    client, session, scene, odd
):
    kind, make_object = SCENES[scene]
    value = ODD_VALUES[odd]
    appeal = make_appeal()
    template = event(kind, make_object(appeal))
    places = ["id", "type", "data", "data.object"]
    places += [f"data.object.{path}" for path in paths(template["data"]["object"])]

    for place in places:
        before = count_records(session)
        body = with_value_at(event(kind, make_object(appeal)), place, value)

        response = send(client, body)

        assert response.status_code == 200, (place, response.get_data(as_text=True))
        assert count_records(session) == before + 1, place
        record = latest_record(session)
        # Read as absent, or refused with a reason that names the place: never an error.
        assert record.outcome in ("processed", "unusable"), (place, record.reason)
        assert response.json["outcome"] == record.outcome
        if record.outcome == "unusable":
            assert f"event.{place}" in record.reason, (place, record.reason)
            assert response.json["reason"] == record.reason
        if isinstance(value, str):
            assert not any(value in stored for stored in stored_strings(session, appeal)), place


# --- what each kind of odd value means ---------------------------------------------------


def test_an_event_whose_object_is_not_an_object_is_recorded_as_unusable(client, session, caplog):
    for obj in ["cs_test_1", ["cs_test_1"], 7, None]:
        body = event("checkout.session.completed", obj)

        response = send(client, body)

        assert response.status_code == 200
        assert response.json["outcome"] == "unusable"
        record = session.scalar(select(WebhookEvent).where(WebhookEvent.event_id == body["id"]))
        assert record.event_type == "checkout.session.completed"
        assert record.outcome == "unusable"
        assert record.reason.startswith("event.data.object is ")
    # One line for the operator: provider, event id, type, reason.
    assert (
        f"stripe event {body['id']} (checkout.session.completed) recorded and acknowledged, "
        "not applied: event.data.object is missing or empty"
    ) in caplog.text


@pytest.mark.parametrize(
    "envelope",
    [{"id": 42, "type": "checkout.session.completed"}, {"id": "evt_x", "type": 7}, {}],
    ids=["numeric-id", "numeric-type", "empty"],
)
def test_an_event_without_a_usable_id_or_type_is_acknowledged_and_recognised_again(
    client, session, envelope
):
    gift = Gift.start()
    body = {"object": "event", "data": {"object": gift.session()}} | envelope

    first = send(client, body)
    again = send(client, body)

    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json["outcome"] == "unusable"
    assert again.json["outcome"] == "duplicate"
    [record] = session.scalars(select(WebhookEvent)).all()
    assert record.outcome == "unusable"
    if not isinstance(envelope.get("id"), str):
        assert record.event_id.startswith("sha256:")  # recorded by a digest of the body
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert receipts() == []


@pytest.mark.parametrize(
    "reference",
    ["2147483648", "99999999999999999999", "-1", "0", "12a", "²", " 1", 2**40, -5, 1.0, True],
)
def test_a_donation_id_that_is_not_a_number_of_ours_names_no_donation(client, session, reference):
    gift = Gift.start(checkout_session_id=None)
    session_object = gift.session(
        id="cs_test_unknown",
        client_reference_id=reference,
        metadata={"donation_id": reference, "appeal": gift.donation.appeal.slug},
    )

    response = send(client, event("checkout.session.completed", session_object))

    assert response.status_code == 200
    assert response.json["outcome"] == "processed"
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


def test_our_donation_id_as_a_number_still_finds_the_gift(client, session):
    gift = Gift.start(checkout_session_id=None)
    session_object = gift.session(id="cs_test_numbered", client_reference_id=gift.donation.id)

    send(client, event("checkout.session.completed", session_object))

    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID


@pytest.mark.parametrize(
    "amount", ["2500", 2500.0, 2**31, -2500, True], ids=["string", "float", "huge", "neg", "bool"]
)
def test_an_amount_of_the_wrong_shape_makes_the_event_unusable(client, session, amount):
    gift = Gift.start()

    response = send(client, event("checkout.session.completed", gift.session(amount_total=amount)))

    assert response.status_code == 200
    assert response.json["outcome"] == "unusable"
    assert "event.data.object.amount_total is not a whole number" in response.json["reason"]
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert gift.donation.failure_reason is None
    assert receipts() == []


def test_a_huge_renewal_amount_is_not_stored(client, session):
    appeal = make_appeal()
    gift = _paid_monthly(appeal)
    renewal = gift.invoice_object(stripe_id("in"), "subscription_cycle", amount_paid=10**12)

    response = send(client, event("invoice.paid", renewal))

    assert response.json["outcome"] == "unusable"
    assert [row.id for row in session.scalars(select(Donation))] == [gift.donation.id]


@pytest.mark.parametrize(
    "details",
    [
        "dana@example.org",
        ["dana@example.org"],
        {"email": "dana\x00@example.org", "name": "Dana"},
        {"email": "d" * 250 + "@example.org", "name": "Dana"},
        {"email": ["dana@example.org"], "name": {"first": "Dana"}},
    ],
    ids=["string", "list", "nul", "too-long", "wrong-types"],
)
def test_donor_details_that_cannot_be_stored_are_not_taken_and_the_gift_is_paid(
    client, session, details
):
    appeal = make_appeal()
    gift = Gift.start(appeal)

    response = send(
        client, event("checkout.session.completed", gift.session(customer_details=details))
    )

    assert response.json["outcome"] == "processed"
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PAID
    assert raised(appeal) == Raised(2500, 1)
    assert gift.donation.donor_email == ""
    if isinstance(details, dict) and isinstance(details["name"], str):
        assert gift.donation.donor_name == "Dana"
    assert receipts() == [] and session.scalar(select(func.count(OutboundEmail.id))) == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("currency_conversion", ["gbp", 2500]),
        ("currency", "gb\x00"),
        ("payment_intent", "pi_" + "x" * 300),
        ("payment_status", ["paid"]),
        ("customer", {"id": "cus_1"}),
    ],
)
def test_a_decisive_field_of_the_wrong_shape_changes_nothing(client, session, field, value):
    gift = Gift.start()

    response = send(client, event("checkout.session.completed", gift.session(**{field: value})))

    assert response.json["outcome"] == "unusable"
    assert response.json["reason"].startswith(f"event.data.object.{field} is not ")
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert gift.donation.customer_id is None
    assert (gift.donation.donor_email, gift.donation.failure_reason) == ("", None)
    assert receipts() == []


def test_metadata_that_is_not_an_object_is_unusable_when_it_is_needed(client, session):
    # Without a known session id, the gift is found by the id in client_reference_id or
    # metadata, and metadata also names the appeal.
    gift = Gift.start(checkout_session_id=None)

    response = send(client, event("checkout.session.completed", gift.session(metadata="7")))

    assert response.json["outcome"] == "unusable"
    assert response.json["reason"] == "event.data.object.metadata is not a JSON object"
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


def test_an_invoice_whose_parent_is_not_an_object_is_unusable(client, session):
    gift = _monthly(make_appeal())

    response = send(client, event("invoice.paid", gift.invoice_object(parent="sub_1")))

    assert response.json["outcome"] == "unusable"
    assert response.json["reason"] == "event.data.object.parent is not a JSON object"
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


@pytest.mark.parametrize("text", ["evt\x00nul", "evt\x1bescape", "evt\ud800", "evt\x85next"])
def test_control_characters_and_lone_surrogates_are_refused_in_ids(client, session, text):
    gift = Gift.start()

    response = send(client, event("checkout.session.completed", gift.session(id=text)))

    assert response.json["outcome"] == "unusable"
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING


def test_a_right_to_left_mark_in_a_donor_name_is_kept(client, session):
    # Not a control character: Uyghur and Arabic names may carry one.
    gift = Gift.start()
    name = "\u0626\u0627\u064a\u0634\u06d5\u200f Dana"

    send(
        client,
        event(
            "checkout.session.completed",
            gift.session(customer_details={"email": DONOR, "name": name}),
        ),
    )

    session.refresh(gift.donation)
    assert gift.donation.donor_name == name


def test_an_unusable_event_is_not_applied_when_delivered_again(client, session):
    gift = Gift.start()
    body = event("checkout.session.completed", gift.session(amount_total="2500"))
    send(client, body)

    again = send(client, body)

    assert again.json == {"received": True, "outcome": "duplicate"}
    assert count_records(session) == 1


def test_event_types_we_do_not_handle_are_recorded_whatever_their_object(client, session):
    response = send(client, event("customer.created", "cus_1"))

    assert response.json == {"received": True, "outcome": "processed"}
    assert latest_record(session).outcome == "processed"


def test_a_signed_body_nested_too_deeply_is_refused(client, session):
    nested: object = "deep"
    for _ in range(70):
        nested = {"inner": nested}

    for payload in [json.dumps(event("customer.created", nested)), "[" * 5000 + "]" * 5000]:
        response = send(client, payload)

        assert response.status_code == 400
    assert count_records(session) == 0


# --- the signature's time -----------------------------------------------------------------


@pytest.mark.parametrize(("ahead", "status"), [(301, 400), (3600, 400), (240, 200)])
def test_a_signature_dated_more_than_five_minutes_ahead_is_refused(client, session, ahead, status):
    body = event("customer.created", {"id": "cus_x"})

    response = send(client, body, timestamp=int(time.time()) + ahead)

    assert response.status_code == status
    if status == 400:
        assert response.json == {"error": "The signature's timestamp is in the future."}
        assert count_records(session) == 0


def test_a_signature_header_that_is_not_ascii_is_refused(client, session):
    payload = json.dumps(event("customer.created", {"id": "cus_x"}))
    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)

    response = client.post(
        "/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": header[:-1] + "\u00e9"},
    )

    assert response.status_code == 400
    assert count_records(session) == 0


# --- an error while applying ----------------------------------------------------------------


@pytest.fixture
def receipts_break() -> Iterator[None]:
    """Writing a receipt raises, as a bug would: after the gift was marked paid."""

    def receipt_breaks(_connection, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().startswith(f"INSERT INTO {OutboundEmail.__tablename__} "):
            raise ZeroDivisionError(DONOR)  # a message may quote anything

    sqlalchemy_event.listen(db.engine, "before_cursor_execute", receipt_breaks)
    yield
    sqlalchemy_event.remove(db.engine, "before_cursor_execute", receipt_breaks)


def test_an_error_while_applying_is_recorded_as_failed_and_undoes_what_it_did(
    client, session, receipts_break, caplog
):
    gift = Gift.start()
    body = event("checkout.session.completed", gift.session())

    response = send(client, body)

    assert response.status_code == 200
    assert response.json["outcome"] == "failed"
    record = latest_record(session)
    assert (record.outcome, record.reason) == ("failed", "applying it raised ZeroDivisionError")
    session.refresh(gift.donation)
    assert gift.donation.status == DonationStatus.PENDING
    assert receipts() == []
    assert f"stripe event {body['id']} (checkout.session.completed)" in caplog.text
    assert "receipt_breaks" in caplog.text  # the frames, for whoever fixes it
    assert DONOR not in caplog.text
