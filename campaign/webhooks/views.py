"""Webhook endpoints: each checks its provider's signature before anything else."""

import logging
from dataclasses import asdict

from flask import request

from campaign.donations import webhook as donation_webhook
from campaign.donations.stripe import get_gateway
from campaign.mailer.sendgrid import events as sendgrid_events
from campaign.mailer.sendgrid import webhook as sendgrid_webhook
from campaign.webhooks.blueprint import bp
from campaign.webhooks.refusal import WebhookRefused

log = logging.getLogger(__name__)


@bp.post("/sendgrid")
def sendgrid():
    """SendGrid's Signed Event Webhook: a JSON array of events, each applied once."""
    try:
        report = sendgrid_events.receive(
            request.get_data(cache=False),
            request.headers.get(sendgrid_webhook.SIGNATURE_HEADER),
            request.headers.get(sendgrid_webhook.TIMESTAMP_HEADER),
        )
    except WebhookRefused as refusal:
        if refusal.status != 503:  # a 503 is already logged as a settings problem
            log.warning("SendGrid webhook refused (%s): %s", refusal.status, refusal.reason)
        return {"error": refusal.reason}, refusal.status
    log.info(
        "SendGrid webhook: %s events applied, %s duplicates, %s unusable, %s failed",
        report.processed,
        report.duplicates,
        report.unusable,
        report.failed,
    )
    return asdict(report)


@bp.post("/stripe")
def stripe():
    """Stripe's signed events: verified, recorded once, then applied to our donations."""
    try:
        return donation_webhook.receive(
            get_gateway(), request.get_data(cache=False), request.headers.get("Stripe-Signature")
        )
    except WebhookRefused as refusal:
        if refusal.status != 503:
            log.warning("Stripe webhook refused (%s): %s", refusal.status, refusal.reason)
        return {"error": refusal.reason}, refusal.status
