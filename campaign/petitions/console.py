"""The console's petition pages under /admin/petitions: write, close, moderate, clean, deliver."""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from campaign.accounts.reauth import requires_recent_check
from campaign.admin.helpers import campaigns_by_title, check_slug
from campaign.audit.exports import filters, when_written
from campaign.audit.publication import record_status_change
from campaign.audit.trail import record
from campaign.countries import country_name
from campaign.extensions import db
from campaign.outcomes.console_forms import OutcomeForm
from campaign.outcomes.queries import outcomes_of, signers_to_tell
from campaign.paging import console_page
from campaign.petitions import reports, retention
from campaign.petitions.blueprint import console_bp as bp
from campaign.petitions.console_forms import (
    BulkInvalidateForm,
    PetitionForm,
    ReopenForm,
    SignatureSearchForm,
)
from campaign.petitions.counting import counts_by_country, signature_count
from campaign.petitions.delivery import delivery_download
from campaign.petitions.models import Petition, Signature
from campaign.petitions.moderation import (
    BulkFilter,
    CountChanged,
    ModerationError,
    NeedsClosingDate,
    close_petition,
    invalidate_matching,
    invalidate_signature,
    moderate_comment,
    preview_invalidation,
    reopen_petition,
)
from campaign.security import is_local_path


def _petition_or_404(petition_id: int) -> Petition:
    return db.get_or_404(Petition, petition_id)


def _signature_or_404(petition: Petition, signature_id: int) -> Signature:
    signature = db.get_or_404(Signature, signature_id)
    if signature.petition_id != petition.id:
        abort(404)
    return signature


def _to_petition(petition: Petition):
    return redirect(url_for("petitions_console.petition", petition_id=petition.id), 303)


@bp.get("/")
def petitions():
    return render_template("petitions/console/petitions.html", rows=reports.console_petitions())


@bp.route("/new", methods=["GET", "POST"])
def new_petition():
    form = PetitionForm(campaigns=campaigns_by_title())
    if form.validate_on_submit() and check_slug(form.slug, Petition, "petition"):
        petition = Petition()
        _apply(form, petition)
        db.session.add(petition)
        db.session.flush()
        record_status_change("petition", petition.id, None, petition.status)
        db.session.commit()
        flash(_("Petition “%(title)s” created.", title=petition.title), "success")
        return _to_petition(petition)
    return _form_page(form, None)


@bp.route("/<int:petition_id>/edit", methods=["GET", "POST"])
def edit_petition(petition_id: int):
    petition = _petition_or_404(petition_id)
    form = PetitionForm(petition=petition, campaigns=campaigns_by_title())
    if form.validate_on_submit() and check_slug(form.slug, Petition, "petition", keep=petition):
        before = petition.status
        _apply(form, petition)
        record_status_change("petition", petition.id, before, petition.status)
        db.session.commit()
        flash(_("Petition saved."), "success")
        return _to_petition(petition)
    return _form_page(form, petition)


def _apply(form: PetitionForm, petition: Petition) -> None:
    petition.campaign_id = form.campaign.data
    petition.hero_image_id = form.hero_image.data or None
    petition.title = form.title.data
    petition.slug = form.slug.data
    petition.target = form.target.data
    petition.body = form.body.data  # renders body_html too (see the model)
    petition.goal = form.goal.data
    petition.closes_at = form.closes_at.data
    petition.ask_postcode = form.ask_postcode.data
    petition.thank_you_text = form.thank_you_text.data or ""
    if "status" in form:
        petition.status = form.status.data


def _form_page(form: PetitionForm, petition: Petition | None):
    page = render_template("petitions/console/petition_form.html", form=form, petition=petition)
    return page, 400 if form.errors else 200


@bp.get("/<int:petition_id>")
def petition(petition_id: int):
    return petition_page(_petition_or_404(petition_id))


def petition_page(
    petition: Petition,
    reopen_form: ReopenForm | None = None,
    outcome_form: OutcomeForm | None = None,
):
    """The petition's console page; a form given with errors shows them (and answers 400)."""
    reopen_form = reopen_form or ReopenForm(formdata=None)
    outcome_form = outcome_form or OutcomeForm(formdata=None)
    by_day = reports.confirmed_by_day(petition)
    by_country = counts_by_country(petition)
    language = petition.campaign.language
    page = render_template(
        "petitions/console/petition.html",
        petition=petition,
        count=signature_count(petition),
        statuses=reports.status_counts(petition),
        waiting=reports.waiting_comment_count(petition),
        by_day=by_day,
        by_country=[(code, country_name(code, language), n) for code, n in by_country.items()],
        by_source=reports.confirmed_by_source(petition),
        by_utm_source=reports.confirmed_by_utm_source(petition),
        reopen_form=reopen_form,
        anonymised_on=retention.anonymised_on(petition),
        anonymised_since=retention.already_anonymised(petition),
        retention_warning=retention.warning_due(petition),
        outcomes=outcomes_of(petition),
        outcome_form=outcome_form,
        signers_to_tell=signers_to_tell(petition),
    )
    return page, 400 if reopen_form.errors or outcome_form.errors else 200


@bp.post("/<int:petition_id>/close")
def close(petition_id: int):
    petition = _petition_or_404(petition_id)
    before = petition.status
    try:
        close_petition(petition)
    except ModerationError as error:
        flash(str(error), "error")
    else:
        record_status_change("petition", petition.id, before, petition.status)
        db.session.commit()
        flash(
            _("“%(title)s” is closed and no longer takes signatures.", title=petition.title),
            "success",
        )
    return _to_petition(petition)


@bp.post("/<int:petition_id>/reopen")
def reopen(petition_id: int):
    petition = _petition_or_404(petition_id)
    form = ReopenForm()
    before = petition.status
    if form.validate_on_submit():
        try:
            reopen_petition(petition, form.closes_at.data)
        except NeedsClosingDate as error:
            form.closes_at.errors.append(str(error))
        except ModerationError as error:
            flash(str(error), "error")
            return _to_petition(petition)
        else:
            record_status_change("petition", petition.id, before, petition.status)
            db.session.commit()
            flash(_("“%(title)s” is open again.", title=petition.title), "success")
            return _to_petition(petition)
    return petition_page(petition, form)


@bp.get("/<int:petition_id>/comments")
def comments(petition_id: int):
    petition = _petition_or_404(petition_id)
    page = console_page(reports.waiting_comments(petition))
    return render_template("petitions/console/comments.html", petition=petition, page=page)


@bp.post("/<int:petition_id>/comments/<int:signature_id>/approve")
def approve_comment(petition_id: int, signature_id: int):
    return _moderate(petition_id, signature_id, approve=True)


@bp.post("/<int:petition_id>/comments/<int:signature_id>/reject")
def reject_comment(petition_id: int, signature_id: int):
    return _moderate(petition_id, signature_id, approve=False)


def _moderate(petition_id: int, signature_id: int, approve: bool):
    petition = _petition_or_404(petition_id)
    signature = _signature_or_404(petition, signature_id)
    try:
        moderate_comment(signature, approve)
    except ModerationError as error:
        flash(str(error), "error")
    else:
        action = "approve comment" if approve else "reject comment"
        record(action, object_kind="signature", object_id=signature.id, rows=1)
        db.session.commit()
        if approve:
            done = _("The comment of %(name)s is approved: it is on the petition's page.")
        else:
            done = _("The comment of %(name)s is rejected.")
        flash(done % {"name": signature.name}, "success")
    return redirect(url_for("petitions_console.comments", petition_id=petition.id), 303)


@bp.get("/<int:petition_id>/signatures")
def signatures(petition_id: int):
    petition = _petition_or_404(petition_id)
    form = SignatureSearchForm(request.args)
    if not form.validate():  # an unknown status or an overlong search: show everything
        form = SignatureSearchForm(formdata=None)
    query = reports.search_signatures(petition, form.search())
    page = console_page(query)
    return render_template(
        "petitions/console/signatures.html",
        petition=petition,
        form=form,
        page=page,
        filters={key: value for key, value in form.data.items() if value},
    )


@bp.post("/<int:petition_id>/signatures/<int:signature_id>/invalidate")
def invalidate(petition_id: int, signature_id: int):
    petition = _petition_or_404(petition_id)
    signature = _signature_or_404(petition, signature_id)
    if invalidate_signature(signature):
        record("invalidate signature", object_kind="signature", object_id=signature.id, rows=1)
        db.session.commit()
        flash(
            _(
                "The signature of %(name)s is invalidated and no longer counts.",
                name=signature.name,
            ),
            "success",
        )
    else:
        flash(_("The signature of %(name)s was already invalidated.", name=signature.name), "info")
    # Back to the same search and page the button was on.
    target = request.form.get("next")
    if not is_local_path(target):
        target = url_for("petitions_console.signatures", petition_id=petition.id)
    return redirect(target, 303)


@bp.route("/<int:petition_id>/invalidate", methods=["GET", "POST"])
@requires_recent_check
def bulk_invalidate(petition_id: int):
    petition = _petition_or_404(petition_id)
    form = BulkInvalidateForm()
    preview, changed = None, None
    if form.validate_on_submit():
        expected = form.expected_count()
        if form.confirm.data and expected is not None:
            try:
                done = invalidate_matching(petition, form.filter(), expected)
            except CountChanged as error:
                changed = str(error)
            else:
                record(
                    "invalidate signatures",
                    object_kind="petition",
                    object_id=petition.id,
                    rows=done,
                    detail=_bulk_detail(form.filter()),
                )
                db.session.commit()
                flash(
                    ngettext(
                        "%(count)s signature invalidated; the count already leaves it out.",
                        "%(count)s signatures invalidated; the count already leaves them out.",
                        done,
                        count=format_number(done),
                    ),
                    "success",
                )
                return _to_petition(petition)
        preview = preview_invalidation(petition, form.filter())
    page = render_template(
        "petitions/console/bulk_invalidate.html",
        petition=petition,
        form=form,
        preview=preview,
        changed=changed,
    )
    return page, 400 if form.errors or form.form_errors else (409 if changed else 200)


def _bulk_detail(bulk: BulkFilter) -> str:
    # Dates and source as typed; an address domain or an IP hash only as "given": either may
    # point at one person.
    return filters(
        ip_hash="given" if bulk.ip_hash else "",
        email_domain="given" if bulk.email_domain else "",
        created_from=bulk.created_from and bulk.created_from.isoformat(),
        created_before=bulk.created_before and bulk.created_before.isoformat(),
        source=bulk.source,
    )


@bp.get("/<int:petition_id>/export.csv")
@requires_recent_check
def export(petition_id: int):
    petition = _petition_or_404(petition_id)
    written = when_written("export signatures", object_kind="petition", object_id=petition.id)
    # Streamed a batch at a time: memory stays flat however many signed.
    return delivery_download(petition, written)
