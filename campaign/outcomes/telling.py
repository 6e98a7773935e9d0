"""Recording what happened to a petition, and telling every one of its signers, once.

How the email reaches signers, and why this way: an outcome is told through the update
machinery (campaign/updates), as an Update whose audience is `AudienceKind.SIGNERS` of the
petition. Its Delivery rows are one per *signature* (`Delivery.signature_id`, unique with the
update, beside a now nullable `subscriber_id`; a check constraint holds exactly one of the two).

- Why not one per subscriber, as other updates: most signers never asked for campaign
  updates, so they have no active subscriber row, and making them subscribers to carry this
  one email would put them in every later update's audience without their consent.
- Why not transactional mail (the outbox) per signer: a petition's tens of thousands of
  signers would be one unpaced burst, with no progress, no pause and no "uncertain batch"
  after a crash. The update machinery already claims, hands over and marks each batch in
  committed steps, so a crash or re-run never sends twice, is paced by MAIL_RATE_PER_SECOND,
  and shows its progress on the update's console page like any update.
- A petition holds each address once (unique petition and address), so a signer who is also
  a subscriber is one signature, one delivery, one email.

Who is in the audience (`campaign.updates.audience.signer_reachable`), checked when the rows
are queued and again for each batch: confirmed signatures with an address (not anonymised by
retention or erased), whose signer did not stop this petition's news, whose address is on no
suppression list and whose subscriber row, if any, has not unsubscribed, bounced or
complained. Each email is in the version for the signature's language (the outcome's
translation in it, else the original) and its footer and List-Unsubscribe header carry the
signature's own "stop emails about this petition" link (campaign/petitions/news.py).

An outcome is told at most once: `tell_signers` sets its `update_id` by compare-and-set, in
the same transaction as the Update it makes. The Update is made already scheduled for now, so
if the request dies after its commit the next sweep starts it; the request also starts it at
once. Its words (and their translations) are copied into the Update when it is told: what
went out stays on record even if the outcome is edited or translated later.
"""

from datetime import datetime
from secrets import token_hex

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update as sql_update

from campaign.db import utcnow
from campaign.extensions import db
from campaign.i18n.languages import babel_locale
from campaign.i18n.models import ContentTranslation
from campaign.i18n.translating import forget_translations, kind_of, translation
from campaign.outcomes.models import KIND_WORDS, OutcomeKind, PetitionOutcome
from campaign.petitions.models import Petition
from campaign.updates.models import AudienceKind, Update, UpdateStatus, UpdateTranslation
from campaign.updates.runner import kick
from campaign.updates.sending import start


class OutcomeError(Exception):
    """An outcome that cannot be told (again); the message says why, as a sentence."""


def record_outcome(petition: Petition, kind: OutcomeKind, text: str) -> PetitionOutcome:
    """Add an outcome to the petition's record (flushes; the caller commits)."""
    outcome = PetitionOutcome(petition=petition, kind=kind, text=text)
    db.session.add(outcome)
    petition.updated_at = utcnow()  # its page shows the outcome: new validators
    db.session.flush()
    return outcome


def remove_outcome(outcome: PetitionOutcome) -> None:
    """Take an outcome off the petition's page, translations too; an email already told stays
    on record as its update (flushes)."""
    forget_translations(outcome)
    outcome.petition.updated_at = utcnow()
    db.session.delete(outcome)
    db.session.flush()


def tell_signers(outcome: PetitionOutcome, now: datetime | None = None) -> Update:
    """Make the update that tells every signer about the outcome, due now (flushes; the caller
    commits, then calls `start_telling`). OutcomeError if it was told already."""
    if outcome.update_id is not None:
        raise OutcomeError(_("The signers were told about this already."))
    now = now or utcnow()
    petition = outcome.petition
    own = petition.campaign.language
    update = Update(
        slug=_free_slug(f"{petition.slug[:90]}-outcome-{outcome.id}"),
        campaign_id=petition.campaign_id,
        language=own,
        subject=_subject(petition, outcome.kind, own),
        body=outcome.text,
        audience_kind=AudienceKind.SIGNERS,
        audience_petition_id=petition.id,
        status=UpdateStatus.SCHEDULED,
        scheduled_at=now,
    )
    db.session.add(update)
    for stored in _outcome_translations(outcome):
        update.translations.append(
            UpdateTranslation(
                language=stored.language,
                subject=_subject(petition, outcome.kind, stored.language),
                body=stored.values.get("text") or outcome.text,
            )
        )
    db.session.flush()
    # A second click, or a second organiser, at the same moment: one of them tells.
    told = db.session.execute(
        sql_update(PetitionOutcome)
        .where(PetitionOutcome.id == outcome.id, PetitionOutcome.update_id.is_(None))
        .values(update_id=update.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not told:
        raise OutcomeError(_("The signers were told about this already."))
    db.session.refresh(outcome)
    return update


def start_telling(update: Update) -> int:
    """After the commit: queue the update's deliveries and wake a sender (commits). Returns
    how many signers it goes to."""
    queued = start(update)
    kick(update.id)
    return queued


def _outcome_translations(outcome: PetitionOutcome) -> list[ContentTranslation]:
    query = select(ContentTranslation).where(
        ContentTranslation.kind == kind_of(outcome).kind,
        ContentTranslation.record_id == outcome.id,
    )
    return list(db.session.scalars(query.order_by(ContentTranslation.language)))


def _subject(petition: Petition, kind: str, language: str) -> str:
    """The email's subject in `language`: what happened, and the petition's title in it."""
    stored = translation(petition, language) if language != petition.campaign.language else None
    title = (stored.values.get("title") if stored else None) or petition.title
    with force_locale(babel_locale(language)):
        what = _(KIND_WORDS[OutcomeKind(kind)])
        return _("%(what)s: “%(petition)s”", what=what, petition=title)[:200]


def _free_slug(wanted: str) -> str:
    taken = db.session.scalar(select(Update.id).where(Update.slug == wanted))
    return wanted if taken is None else f"{wanted[:110]}-{token_hex(4)}"
