"""Writing an update in the console: the form's data, the audience in words, preview, test send."""

import logging
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.admin.helpers import campaigns_by_title
from campaign.content.models import Campaign
from campaign.countries import country_name
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.transports import (
    BulkMessage,
    Envelope,
    PermanentFailure,
    TemporaryFailure,
    get_transport,
    personalise,
)
from campaign.petitions.models import Petition
from campaign.subscribers.models import Subscriber
from campaign.updates.composing import bulk_message
from campaign.updates.forms import UpdateForm
from campaign.updates.models import AudienceKind, Update, UpdateStatus

log = logging.getLogger(__name__)

EDITABLE = frozenset({UpdateStatus.DRAFT, UpdateStatus.SCHEDULED})
# Previews and tests greet this name, so the organiser sees where each reader's name goes.
SAMPLE_NAME = "Alex"


class TestSendError(Exception):
    """A test message did not go out; the message is a sentence for the organiser."""


def is_editable(update: Update) -> bool:
    """Only an update nobody has received yet may change."""
    return update.status in EDITABLE


def form_choices() -> dict:
    """The campaigns and petitions the form's selects offer."""
    petitions = db.session.scalars(
        select(Petition).options(selectinload(Petition.campaign)).order_by(Petition.title)
    ).all()
    return {"campaigns": campaigns_by_title(), "petitions": list(petitions)}


def apply_form(form: UpdateForm, update: Update) -> None:
    """Copy a valid form onto the update; audience parts the kind does not use are cleared."""
    kind = form.audience_kind.data
    update.subject = form.subject.data
    update.preheader = form.preheader.data or ""
    update.slug = form.slug.data
    update.body = form.body.data  # the model renders and sanitises body_html
    update.campaign_id = form.campaign.data or None
    update.cta_petition_id = form.cta_petition.data or None
    update.audience_kind = kind
    update.audience_campaign_id = (
        form.audience_campaign.data or None if kind == AudienceKind.CAMPAIGN else None
    )
    update.audience_petition_id = (
        form.audience_petition.data or None if kind == AudienceKind.PETITION else None
    )
    update.audience_language = form.audience_language.data or ""
    update.audience_country = form.audience_country.data or ""
    update.publish_on_site = form.publish_on_site.data
    db.session.flush()


def audience_summary(update: Update) -> str:
    """Who the update is for, in a few words."""
    if update.audience_kind == AudienceKind.CAMPAIGN:
        campaign = db.session.get(Campaign, update.audience_campaign_id or 0)
        words = f"Subscribers of “{campaign.title if campaign else 'a removed campaign'}”"
    elif update.audience_kind == AudienceKind.PETITION:
        petition = db.session.get(Petition, update.audience_petition_id or 0)
        title = petition.title if petition else "a removed petition"
        words = f"Confirmed signers of “{title}” who opted in"
    elif update.audience_kind == AudienceKind.DONORS:
        words = "Donors who opted in"
    else:
        words = "All active subscribers"
    if update.audience_language:
        words += f", language {update.audience_language}"
    if update.audience_country:
        words += f", who signed from {country_name(update.audience_country)}"
    return words


def _sample_message(update: Update, email: str) -> BulkMessage:
    # A subscriber that is never saved: its unsubscribe link names no row, so it does nothing.
    sample = Subscriber(email=email, name=SAMPLE_NAME)
    message = bulk_message(update, [(0, sample)])
    # No delivery id: provider events about a test must not land on any delivery row.
    stamp = f"{update.id}-{utcnow().strftime('%Y%m%d%H%M%S%f')}"
    recipient = replace(message.recipients[0], custom_args={"update_test": stamp})
    return replace(message, recipients=[recipient])


def preview(update: Update, email: str) -> Envelope:
    """The update exactly as a subscriber named SAMPLE_NAME at `email` would get it."""
    message = _sample_message(update, email)
    return personalise(message, message.recipients[0])


def send_test(update: Update, email: str) -> None:
    """Send the update to one address now, through the configured transport; no delivery row."""
    message = _sample_message(update, email)
    try:
        [result] = get_transport().send_bulk(message)
    # A missing setting (RuntimeError) or a refusal: the organiser needs to read why.
    except (RuntimeError, TemporaryFailure, PermanentFailure) as error:
        # No address in the log: it is personal data and the organiser sees the error anyway.
        log.warning("a test send of update %s failed: %s", update.id, type(error).__name__)
        raise TestSendError(f"The test could not be sent: {error}") from error
    if result.outcome != "sent":
        raise TestSendError(f"The test could not be sent: {result.error}")
