"""Everything held about one address as JSON: the same keys for every address, in order, so
a machine can read any export the way it read the last one."""

import json
from datetime import datetime

from flask import current_app

from campaign.db import utcnow
from campaign.people.finding import DeliveryRecord, Person, find_person

FORMAT = "campaign.person/1"


def export_person(email: str) -> dict:
    """Everything held about `email`, JSON-serialisable; InvalidEmail if it is not one."""
    return person_as_dict(find_person(email))


def person_as_dict(person: Person) -> dict:
    """What `export_person` gives, for a person already found."""
    subscriber = person.subscriber
    return {
        "format": FORMAT,
        "site": current_app.config["SITE_URL"],
        "exported_at": _moment(utcnow()),
        "email": person.email,
        "subscriber": None if subscriber is None else _subscriber(subscriber),
        "signatures": [_signature(each) for each in person.signatures],
        "donations": [_donation(each) for each in person.donations],
        "emails": [_email(each) for each in person.emails],
        "update_deliveries": [_delivery(each) for each in person.deliveries],
        "suppressions": [_suppression(each) for each in person.suppressions],
        "webhook_events": [_webhook_event(each) for each in person.webhook_events],
        "mail_files": [path.name for path in person.mail_files],
        "on_erased_list": person.on_erased_list,
    }


def export_json(person: Person) -> str:
    """The export as a JSON document, readable by people too."""
    return json.dumps(person_as_dict(person), ensure_ascii=False, indent=2) + "\n"


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _subscriber(subscriber) -> dict:
    return {
        "id": subscriber.id,
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "status": subscriber.status,
        "campaign_id": subscriber.campaign_id,
        "consent": {
            "source": subscriber.consent_source,
            "text": subscriber.consent_text,
            "at": _moment(subscriber.consent_at),
        },
        "created_at": _moment(subscriber.created_at),
        "confirmed_at": _moment(subscriber.confirmed_at),
        "unsubscribed_at": _moment(subscriber.unsubscribed_at),
    }


def _signature(signature) -> dict:
    return {
        "id": signature.id,
        "petition": {"slug": signature.petition.slug, "title": signature.petition.title},
        "name": signature.name,
        "email": signature.email,
        "country": signature.country,
        "postcode": signature.postcode,
        "comment": signature.comment,
        "comment_status": signature.comment_status,
        "show_name": signature.show_name,
        "subscribe": signature.subscribe,
        "consent_text": signature.consent_text,
        "source": signature.source,
        "utm": dict(signature.utm or {}),
        "ip_hash": signature.ip_hash,
        "language": signature.language,
        "status": signature.status,
        "created_at": _moment(signature.created_at),
        "confirmed_at": _moment(signature.confirmed_at),
        "invalidated_at": _moment(signature.invalidated_at),
    }


def _donation(donation) -> dict:
    return {
        "id": donation.id,
        "appeal": {"slug": donation.appeal.slug, "title": donation.appeal.title},
        "amount": donation.amount,  # minor units, with its currency
        "fee_cover": donation.fee_cover,
        "amount_refunded": donation.amount_refunded,
        "currency": donation.currency,
        "interval": donation.interval,
        "status": donation.status,
        "donor_name": donation.donor_name,
        "donor_email": donation.donor_email,
        "subscribe": donation.subscribe,
        "consent_text": donation.consent_text,
        "language": donation.language,
        "stripe": {
            "checkout_session_id": donation.checkout_session_id,
            "payment_intent_id": donation.payment_intent_id,
            "invoice_id": donation.invoice_id,
            "charge_id": donation.charge_id,
            "subscription_id": donation.subscription_id,
            "customer_id": donation.customer_id,
        },
        "first_donation_id": donation.first_donation_id,
        "subscription_status": donation.subscription_status,
        "created_at": _moment(donation.created_at),
        "paid_at": _moment(donation.paid_at),
    }


def _email(message) -> dict:
    return {
        "id": message.id,
        "template": message.template,
        "to": message.to_address,
        "subject": message.subject,
        "status": message.status,
        "created_at": _moment(message.created_at),
        "sent_at": _moment(message.sent_at),
        "last_error": message.last_error,
        "text_body": message.text_body,
        "html_body": message.html_body,
    }


def _delivery(record: DeliveryRecord) -> dict:
    delivery = record.delivery
    return {
        "id": delivery.id,
        "update": {"slug": record.update_slug, "subject": record.update_subject},
        "status": delivery.status,
        "sent_at": _moment(delivery.sent_at),
        "event": delivery.event,
        "error": delivery.error,
    }


def _suppression(suppression) -> dict:
    return {
        "email": suppression.email,
        "reason": suppression.reason,
        "detail": suppression.detail,
        "created_at": _moment(suppression.created_at),
    }


def _webhook_event(event) -> dict:
    return {
        "provider": event.provider,
        "event_id": event.event_id,
        "event_type": event.event_type,
        "outcome": event.outcome,
        "reason": event.reason,
        "received_at": _moment(event.received_at),
    }
