"""Writing an update in the console: the form's data, its translations, the audience in
words, preview, test send."""

import logging
from dataclasses import replace

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from campaign.admin.helpers import campaigns_by_title
from campaign.content.models import Campaign
from campaign.countries import country_name
from campaign.db import utcnow
from campaign.extensions import db
from campaign.i18n.site import default_language
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
from campaign.updates.forms import TranslationForm, UpdateForm
from campaign.updates.models import AudienceKind, Update, UpdateStatus, UpdateTranslation

log = logging.getLogger(__name__)

EDITABLE = frozenset({UpdateStatus.DRAFT, UpdateStatus.SCHEDULED})
# Previews and tests greet this name, so the organiser sees where each reader's name goes.
SAMPLE_NAME = "Alex"


class TestSendError(Exception):
    """A test message did not go out; the message is a sentence for the organiser."""


def is_editable(update: Update) -> bool:
    """Only an update nobody has received yet may change, its translations with it."""
    return update.status in EDITABLE


def hold_editable(update: Update) -> bool:
    """Lock the update's row if nobody has started sending it yet; False once someone has.

    Sending starts with a compare-and-set on this row, which waits for the lock: a change
    made after this commits before sending begins, never while its versions are being read.
    """
    held = db.session.execute(
        sql_update(Update)
        .where(Update.id == update.id, Update.status.in_(EDITABLE))
        .values(status=Update.status)
        .execution_options(synchronize_session=False)
    ).rowcount
    return held == 1


def site_languages() -> list[str]:
    """The languages the site is in: those an update and its translations are written in."""
    return list(current_app.config["LANGUAGES"])


def form_choices(update: Update | None = None) -> dict:
    """The campaigns, petitions and languages the form's selects offer, and the languages of
    the update's translations, which its original cannot be in."""
    petitions = db.session.scalars(
        select(Petition).options(selectinload(Petition.campaign)).order_by(Petition.title)
    ).all()
    return {
        "campaigns": campaigns_by_title(),
        "petitions": list(petitions),
        "languages": site_languages(),
        "translated": [each.language for each in update.translations] if update else [],
    }


def missing_languages(update: Update) -> list[str]:
    """The site's languages the update has no version in yet."""
    written = {version.language for version in update.versions()}
    return [tag for tag in site_languages() if tag not in written]


def translation_choices(update: Update, translation: UpdateTranslation | None = None) -> dict:
    """What a translation form offers (the languages still free, and its own) and refuses."""
    others = [each.language for each in update.translations if each is not translation]
    offered = missing_languages(update)
    if translation is not None:
        offered = [tag for tag in site_languages() if tag == translation.language or tag in offered]
    return {"languages": offered, "original": update.language, "taken": others}


def apply_translation(form: TranslationForm, translation: UpdateTranslation) -> None:
    """Copy a valid form onto the translation."""
    translation.language = form.language.data
    translation.subject = form.subject.data
    translation.preheader = form.preheader.data or ""
    translation.body = form.body.data  # the model renders and sanitises body_html


def apply_form(form: UpdateForm, update: Update) -> None:
    """Copy a valid form onto the update; audience parts the kind does not use are cleared."""
    kind = form.audience_kind.data
    _apply_words(form, update)
    update.slug = form.slug.data
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


def _apply_words(form: UpdateForm, update: Update) -> None:
    update.subject = form.subject.data or ""
    update.preheader = form.preheader.data or ""
    update.body = form.body.data or ""  # the model renders and sanitises body_html
    update.language = form.language.data


def draft_from_form(form: UpdateForm) -> Update:
    """What the form would save, as an update that is never added to the session: what the
    editor's preview renders. The form need not be valid: a preview shows what is typed."""
    draft = Update(slug=form.slug.data or "", publish_on_site=bool(form.publish_on_site.data))
    _apply_words(form, draft)
    if draft.language not in site_languages():
        draft.language = default_language()
    # Set as objects: a row that is not in the session cannot load its relationships by id.
    draft.campaign = db.session.get(Campaign, _offered(form.campaign))
    draft.cta_petition = db.session.get(Petition, _offered(form.cta_petition))
    return draft


def _offered(field: SelectField) -> int:
    """A select's id if it is one the form offers, else 0 (none): a preview is not validated,
    and no typed number (too large for the column, say) reaches the database."""
    offered = {choice.value for choice in field.choices}
    return field.data if field.data in offered else 0


def specimen_html(email: str) -> str:
    """The HTML of an update with every part its email can show (preheader, a heading, a
    link, the petition button, the link to the site), for the styles they bring."""
    specimen = Update(
        subject="Subject",
        preheader="Preheader",
        body="# Heading\n\nText with [a link](https://example.org/).",
        language=default_language(),
        slug="specimen",
        publish_on_site=True,
    )
    specimen.cta_petition = Petition(slug="specimen")  # never saved: only its slug is read
    return preview(specimen, email).html


def audience_summary(update: Update) -> str:
    """Who the update is for, in a few words."""
    if update.audience_kind == AudienceKind.CAMPAIGN:
        campaign = db.session.get(Campaign, update.audience_campaign_id or 0)
        if campaign:
            words = _("Subscribers of “%(campaign)s”", campaign=campaign.title)
        else:
            words = _("Subscribers of a removed campaign")
    elif update.audience_kind == AudienceKind.PETITION:
        petition = db.session.get(Petition, update.audience_petition_id or 0)
        if petition:
            words = _("Confirmed signers of “%(petition)s” who opted in", petition=petition.title)
        else:
            words = _("Confirmed signers of a removed petition who opted in")
    elif update.audience_kind == AudienceKind.DONORS:
        words = _("Donors who opted in")
    elif update.audience_kind == AudienceKind.SIGNERS:
        petition = db.session.get(Petition, update.audience_petition_id or 0)
        if petition:
            words = _("Every confirmed signer of “%(petition)s”", petition=petition.title)
        else:
            words = _("Every confirmed signer of a removed petition")
    else:
        words = _("All active subscribers")
    if update.audience_language:
        words = _(
            "%(audience)s, language %(language)s",
            audience=words,
            language=update.audience_language,
        )
    if update.audience_country:
        words = _(
            "%(audience)s, who signed from %(country)s",
            audience=words,
            country=country_name(update.audience_country),
        )
    return words


def _sample_message(update: Update, email: str, language: str | None) -> BulkMessage:
    # A subscriber that is never saved: its unsubscribe link names no row, so it does nothing.
    sample = Subscriber(email=email, name=SAMPLE_NAME)
    message = bulk_message(update, [(0, sample)], language)
    # No delivery id: provider events about a test must not land on any delivery row.
    stamp = f"{update.id}-{utcnow().strftime('%Y%m%d%H%M%S%f')}"
    recipient = replace(message.recipients[0], custom_args={"update_test": stamp})
    return replace(message, recipients=[recipient])


def preview(update: Update, email: str, language: str | None = None) -> Envelope:
    """The update exactly as a subscriber named SAMPLE_NAME at `email`, reading `language`
    (default: the original's), would get it."""
    message = _sample_message(update, email, language)
    return personalise(message, message.recipients[0])


def preview_of_form(form: UpdateForm, email: str) -> Envelope:
    """The email the form would make, as `preview` renders a saved update; nothing is saved."""
    return preview(draft_from_form(form), email)


def send_test(update: Update, email: str, language: str | None = None) -> None:
    """Send the update (as readers of `language` get it) to one address now, through the
    configured transport; no delivery row."""
    message = _sample_message(update, email, language)
    try:
        [result] = get_transport().send_bulk(message)
    # A missing setting (RuntimeError) or a refusal: the organiser needs to read why.
    except (RuntimeError, TemporaryFailure, PermanentFailure) as error:
        # No address in the log: it is personal data and the organiser sees the error anyway.
        log.warning("a test send of update %s failed: %s", update.id, type(error).__name__)
        raise TestSendError(_("The test could not be sent: %(error)s", error=error)) from error
    if result.outcome != "sent":
        raise TestSendError(_("The test could not be sent: %(error)s", error=result.error))
