"""The console's outcome actions on a petition's page: record, tell signers, remove."""

from flask import abort, flash, redirect, url_for
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from campaign.accounts.reauth import requires_recent_check
from campaign.audit.trail import record
from campaign.extensions import db
from campaign.outcomes import telling
from campaign.outcomes.blueprint import console_bp as bp
from campaign.outcomes.console_forms import OutcomeForm
from campaign.outcomes.models import OutcomeKind, PetitionOutcome
from campaign.petitions.console import petition_page
from campaign.petitions.models import Petition
from campaign.updates.audience import audience_size


def _to_petition(petition_id: int):
    return redirect(url_for("petitions_console.petition", petition_id=petition_id), 303)


def _outcome_or_404(petition_id: int, outcome_id: int) -> PetitionOutcome:
    outcome = db.get_or_404(PetitionOutcome, outcome_id)
    if outcome.petition_id != petition_id:
        abort(404)
    return outcome


@bp.post("/<int:petition_id>/outcomes")
@requires_recent_check
def record_outcome(petition_id: int):
    petition = db.get_or_404(Petition, petition_id)
    form = OutcomeForm()
    if not form.validate():
        return petition_page(petition, outcome_form=form)
    outcome = telling.record_outcome(petition, OutcomeKind(form.kind.data), form.text.data)
    record("record outcome", object_kind="petition", object_id=petition.id, detail=outcome.kind)
    update = telling.tell_signers(outcome) if form.tell_signers.data else None
    if update is not None:
        _record_telling(outcome, update)
    db.session.commit()
    if update is None:
        flash(_("Outcome recorded: it is on the petition's page."), "success")
    else:
        _tell(update)
    return _to_petition(petition.id)


@bp.post("/<int:petition_id>/outcomes/<int:outcome_id>/tell")
@requires_recent_check
def tell_signers(petition_id: int, outcome_id: int):
    outcome = _outcome_or_404(petition_id, outcome_id)
    try:
        update = telling.tell_signers(outcome)
    except telling.OutcomeError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to_petition(petition_id)
    _record_telling(outcome, update)
    db.session.commit()
    _tell(update)
    return _to_petition(petition_id)


@bp.post("/<int:petition_id>/outcomes/<int:outcome_id>/remove")
def remove_outcome(petition_id: int, outcome_id: int):
    outcome = _outcome_or_404(petition_id, outcome_id)
    record("remove outcome", object_kind="petition", object_id=petition_id, detail=outcome.kind)
    telling.remove_outcome(outcome)
    db.session.commit()
    flash(_("Outcome removed from the petition's page."), "success")
    return _to_petition(petition_id)


def _record_telling(outcome: PetitionOutcome, update) -> None:
    # The rows are who it goes to at this moment, as for any update sent.
    record(
        "tell signers",
        object_kind="update",
        object_id=update.id,
        rows=audience_size(update),
        detail=f"petition {outcome.petition_id}: {outcome.kind}",
    )


def _tell(update) -> None:
    queued = telling.start_telling(update)  # commits, as sending's first step does
    flash(
        ngettext(
            "Telling %(count)s signer: follow it on the update's page.",
            "Telling %(count)s signers: follow it on the update's page.",
            queued,
            count=format_number(queued),
        ),
        "success",
    )
