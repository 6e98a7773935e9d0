"""The console's updates under /admin/updates: write (and translate), preview, test, send or
schedule, watch."""

from collections.abc import Callable

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, format_number, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from campaign.accounts.reauth import requires_recent_check
from campaign.admin.helpers import check_slug
from campaign.audit.trail import record
from campaign.extensions import db
from campaign.i18n.languages import language_name
from campaign.i18n.site import default_language
from campaign.mailer.console import framed_html
from campaign.paging import console_page
from campaign.security import SITE_POLICY, style_sources
from campaign.updates import control, editing
from campaign.updates.audience import audience_size
from campaign.updates.blueprint import console_bp as bp
from campaign.updates.forms import (
    AUDIENCE_FIELDS,
    ScheduleForm,
    TestSendForm,
    TranslationForm,
    UpdateForm,
)
from campaign.updates.models import (
    AudienceKind,
    DeliveryStatus,
    Update,
    UpdateStatus,
    UpdateTranslation,
)
from campaign.updates.reports import (
    LISTED_ROWS,
    console_updates,
    outcomes,
    progress,
    rows_with_status,
    sent_counts,
)
from campaign.updates.runner import kick

# The name of the editor's Preview button.
PREVIEW = "preview"


def _update_or_404(update_id: int) -> Update:
    return db.get_or_404(Update, update_id)


def _to(endpoint: str, update: Update):
    return redirect(url_for(f"updates_console.{endpoint}", update_id=update.id), 303)


def _frozen(update: Update):
    """Back to the update, saying why nothing of it may change any more."""
    flash(
        _("This update is %(status)s: it can no longer be changed.", status=update.status),
        "error",
    )
    return _to("update", update)


def _version_choices(update: Update) -> list:
    """The update's versions as a select offers them, by language, the original first."""
    return [
        (version.language, _version_label(update, version.language))
        for version in update.versions()
    ]


def _version_label(update: Update, language: str) -> str:
    name = language_name(language)
    return _("%(language)s (original)", language=name) if language == update.language else name


def _test_form(update: Update, **kwargs) -> TestSendForm:
    return TestSendForm(versions=_version_choices(update), version=update.language, **kwargs)


@bp.get("/")
def updates():
    page = console_page(console_updates())
    return render_template(
        "updates/console/updates.html",
        page=page,
        sent=sent_counts([update.id for update in page.items]),
        audience_summary=editing.audience_summary,
    )


def _previewing() -> bool:
    """The editor's Preview button was pressed: show the email, save nothing."""
    return request.method == "POST" and PREVIEW in request.form


@bp.route("/new", methods=["GET", "POST"])
def new_update():
    form = UpdateForm(language=default_language(), **editing.form_choices())
    if _previewing():
        return _form_page(form, None, previewed=True)
    if form.validate_on_submit() and check_slug(form.slug, Update, "update"):
        update = Update()
        db.session.add(update)
        editing.apply_form(form, update)
        db.session.commit()
        flash(_("Draft “%(subject)s” saved.", subject=update.subject), "success")
        return _to("update", update)
    return _form_page(form, None)


@bp.route("/<int:update_id>/edit", methods=["GET", "POST"])
def edit_update(update_id: int):
    update = _update_or_404(update_id)
    if update.audience_kind == AudienceKind.SIGNERS:
        # Its words and audience are the outcome's: this form would offer other audiences.
        flash(_("This email tells a petition's signers about an outcome: it is not edited here."))
        return _to("update", update)
    previewing = _previewing()
    # A save holds the row first: it lands before sending begins, or not at all. A preview
    # changes nothing, so it holds nothing.
    if not editing.is_editable(update) or (
        request.method == "POST" and not previewing and not editing.hold_editable(update)
    ):
        return _frozen(update)
    form = UpdateForm(obj=update, **editing.form_choices(update))
    if previewing:
        return _form_page(form, update, previewed=True)
    if form.validate_on_submit() and check_slug(form.slug, Update, "update", keep=update):
        editing.apply_form(form, update)
        db.session.commit()
        flash(_("Update saved."), "success")
        return _to("update", update)
    return _form_page(form, update)


def _form_page(form: UpdateForm, update: Update | None, previewed: bool = False):
    """The editor, the email it makes beside it; `previewed`: after the Preview button."""
    email = editing.preview_of_form(form, current_user.email).html
    page = render_template(
        "updates/console/update_form.html",
        form=form,
        update=update,
        audience=audience_size(update) if update is not None else None,
        email_html=email,
        previewed=previewed,
        sample_name=editing.SAMPLE_NAME,
        audience_fields=AUDIENCE_FIELDS,
    )
    response = make_response(page, 400 if form.errors else 200)
    # The email's own inlined styles, and only they, may style the preview frame: a srcdoc
    # frame keeps this page's policy, which allows no inline style. The specimen brings those
    # of the parts the live preview may add as the organiser types (a heading, a button).
    styles = style_sources(email, editing.specimen_html(current_user.email))
    response.headers["Content-Security-Policy"] = str(
        SITE_POLICY.with_sources("style-src", "'self'", *styles)
    )
    return response


@bp.post("/preview")
def live_preview():
    """The email the posted editor form makes, as HTML, for the editor's live preview; the
    same rendering as a saved update's preview, and nothing is saved. (CSRF is checked for
    every console post.)"""
    form = UpdateForm(**editing.form_choices())
    return framed_html(editing.preview_of_form(form, current_user.email).html)


@bp.get("/<int:update_id>")
def update(update_id: int):
    update = _update_or_404(update_id)
    if not editing.is_editable(update):
        return _to("progress_page", update)
    return _update_page(
        update,
        _test_form(update, formdata=None, email=current_user.email),
        ScheduleForm(formdata=None),
    )


def _update_page(update: Update, test_form: TestSendForm, schedule_form: ScheduleForm):
    page = render_template(
        "updates/console/update.html",
        update=update,
        audience=audience_size(update),
        audience_summary=editing.audience_summary(update),
        missing_languages=editing.missing_languages(update),
        test_form=test_form,
        schedule_form=schedule_form,
    )
    return page, 400 if test_form.errors or schedule_form.errors else 200


# Translations


@bp.route("/<int:update_id>/translations/new", methods=["GET", "POST"])
def new_translation(update_id: int):
    update = _update_or_404(update_id)
    if not editing.is_editable(update) or (
        request.method == "POST" and not editing.hold_editable(update)
    ):
        return _frozen(update)
    # Read after the hold: a version another organiser just added is refused beside the field.
    form = TranslationForm(
        language=request.args.get("language"), **editing.translation_choices(update)
    )
    if form.validate_on_submit():
        translation = UpdateTranslation()
        update.translations.append(translation)
        editing.apply_translation(form, translation)
        _record_version(update, "save translation", translation.language)
        db.session.commit()
        flash(
            _(
                "The version in %(language)s is saved.",
                language=language_name(translation.language),
            ),
            "success",
        )
        return _to("update", update)
    return _translation_page(form, update, None)


@bp.route("/<int:update_id>/translations/<int:translation_id>/edit", methods=["GET", "POST"])
def edit_translation(update_id: int, translation_id: int):
    update = _update_or_404(update_id)
    translation = _translation_or_404(update, translation_id)
    if not editing.is_editable(update) or (
        request.method == "POST" and not editing.hold_editable(update)
    ):
        return _frozen(update)
    form = TranslationForm(obj=translation, **editing.translation_choices(update, translation))
    if form.validate_on_submit():
        editing.apply_translation(form, translation)
        _record_version(update, "save translation", translation.language)
        db.session.commit()
        flash(
            _(
                "The version in %(language)s is saved.",
                language=language_name(translation.language),
            ),
            "success",
        )
        return _to("update", update)
    return _translation_page(form, update, translation)


@bp.post("/<int:update_id>/translations/<int:translation_id>/remove")
def remove_translation(update_id: int, translation_id: int):
    update = _update_or_404(update_id)
    translation = _translation_or_404(update, translation_id)
    if not editing.hold_editable(update):
        return _frozen(update)
    language = translation.language
    update.translations.remove(translation)
    _record_version(update, "remove translation", language)
    db.session.commit()
    flash(
        _(
            "The version in %(language)s is removed: its readers get the original.",
            language=language_name(language),
        ),
        "success",
    )
    return _to("update", update)


def _record_version(update: Update, action: str, language: str) -> None:
    record(action, object_kind="update", object_id=update.id, detail=f"language={language}")


def _translation_or_404(update: Update, translation_id: int) -> UpdateTranslation:
    translation = db.session.get(UpdateTranslation, translation_id)
    if translation is None or translation.update_id != update.id:
        abort(404)
    return translation


def _translation_page(form: TranslationForm, update: Update, translation: UpdateTranslation | None):
    page = render_template(
        "updates/console/translation_form.html",
        form=form,
        update=update,
        translation=translation,
    )
    return page, 400 if form.errors else 200


# Preview and test


def _previewed_language(update: Update) -> str:
    """The version asked for (`?version=ug`), the original when none is or it has none."""
    asked = request.args.get("version")
    languages = [version.language for version in update.versions()]
    return asked if asked in languages else update.language


@bp.get("/<int:update_id>/preview")
def preview(update_id: int):
    update = _update_or_404(update_id)
    language = _previewed_language(update)
    return render_template(
        "updates/console/preview.html",
        update=update,
        language=language,
        message=editing.preview(update, current_user.email, language),
        sample_name=editing.SAMPLE_NAME,
    )


@bp.get("/<int:update_id>/preview.html")
def preview_html(update_id: int):
    update = _update_or_404(update_id)
    language = _previewed_language(update)
    return framed_html(editing.preview(update, current_user.email, language).html)


@bp.post("/<int:update_id>/test")
def send_test(update_id: int):
    update = _update_or_404(update_id)
    form = _test_form(update)
    if form.validate_on_submit():
        try:
            editing.send_test(update, form.email.data, form.version.data)
        except editing.TestSendError as error:
            form.email.errors.append(str(error))
        else:
            flash(
                _(
                    "A test of “%(subject)s” went to %(email)s.",
                    subject=update.version_for(form.version.data).subject,
                    email=form.email.data,
                ),
                "success",
            )
            return _to("update", update)
    if not editing.is_editable(update):
        errors = form.email.errors or form.version.errors
        flash(errors[0] if errors else _("The test was not sent."), "error")
        return _to("progress_page", update)
    return _update_page(update, form, ScheduleForm(formdata=None))


@bp.post("/<int:update_id>/send")
@requires_recent_check
def send_now(update_id: int):
    update = _update_or_404(update_id)
    # Flushed now, committed by sending's first step with the update's change to "sending":
    # no mail can go out without its entry. The rows are who it goes to at that moment.
    record("send update", object_kind="update", object_id=update.id, rows=audience_size(update))
    try:
        queued = control.send_now(update)  # commits: the rows exist before any sender looks
    except control.ControlError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _to("update", update)
    kick(update.id)
    flash(
        ngettext(
            "Sending “%(subject)s” to %(count)s person.",
            "Sending “%(subject)s” to %(count)s people.",
            queued,
            subject=update.subject,
            count=format_number(queued),
        ),
        "success",
    )
    return _to("progress_page", update)


@bp.post("/<int:update_id>/schedule")
@requires_recent_check
def schedule(update_id: int):
    update = _update_or_404(update_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            control.schedule(update, form.send_at.data)
        except control.ControlError as error:
            form.send_at.errors.append(str(error))
        else:
            record(
                "schedule update",
                object_kind="update",
                object_id=update.id,
                rows=audience_size(update),
                detail=f"send at {update.scheduled_at.isoformat()}",
            )
            db.session.commit()
            flash(
                _(
                    "“%(subject)s” will be sent on %(moment)s.",
                    subject=update.subject,
                    moment=format_datetime(update.scheduled_at, "long"),
                ),
                "success",
            )
            return _to("update", update)
    if not editing.is_editable(update):
        return _to("progress_page", update)
    return _update_page(update, _test_form(update, formdata=None, email=current_user.email), form)


@bp.post("/<int:update_id>/unschedule")
def unschedule(update_id: int):
    return _act(
        update_id,
        "unschedule update",
        control.unschedule,
        lambda _n: _("It is a draft again: nothing will be sent."),
    )


@bp.post("/<int:update_id>/pause")
def pause(update_id: int):
    return _act(
        update_id,
        "pause update",
        control.pause,
        lambda _n: _("Paused: no new batch starts until you resume."),
    )


@bp.post("/<int:update_id>/resume")
@requires_recent_check
def resume(update_id: int):
    return _act(
        update_id, "resume update", control.resume, lambda _n: _("Sending again."), wake=True
    )


@bp.post("/<int:update_id>/cancel")
def cancel(update_id: int):
    return _act(
        update_id,
        "cancel update",
        control.cancel,
        lambda n: ngettext(
            "Cancelled: %(count)s person still waiting gets nothing.",
            "Cancelled: %(count)s people still waiting get nothing.",
            n,
            count=format_number(n),
        ),
    )


@bp.post("/<int:update_id>/uncertain/resend")
@requires_recent_check
def resend_uncertain(update_id: int):
    return _act(
        update_id,
        "resend uncertain",
        control.resend_uncertain,
        lambda n: ngettext(
            "%(count)s uncertain queued again.",
            "%(count)s uncertain queued again.",
            n,
            count=format_number(n),
        ),
        wake=True,
    )


@bp.post("/<int:update_id>/uncertain/drop")
def drop_uncertain(update_id: int):
    return _act(
        update_id,
        "drop uncertain",
        control.drop_uncertain,
        lambda n: ngettext(
            "%(count)s uncertain dropped: never sent again.",
            "%(count)s uncertain dropped: never sent again.",
            n,
            count=format_number(n),
        ),
    )


def _act(
    update_id: int,
    name: str,
    action: Callable[[Update], int | None],
    done: Callable[[int], str],
    wake: bool = False,
):
    """Do `action`, recorded in the audit trail as `name`; `done` says what was done, given
    how many deliveries it changed."""
    update = _update_or_404(update_id)
    try:
        result = action(update)
    except control.ControlError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        record(name, object_kind="update", object_id=update.id, rows=result)
        db.session.commit()
        if wake:
            kick(update.id)  # after the commit, so the sender sees the change
        flash(done(result or 0), "success")
    return _to("update", update)


@bp.get("/<int:update_id>/progress")
def progress_page(update_id: int):
    update = _update_or_404(update_id)
    return render_template(
        "updates/console/progress.html",
        update=update,
        progress=progress(update),
        outcomes=outcomes(update),
        audience_summary=editing.audience_summary(update),
        uncertain=rows_with_status(update, DeliveryStatus.UNCERTAIN),
        failed=rows_with_status(update, DeliveryStatus.FAILED),
        listed=LISTED_ROWS,
        refreshing=update.status == UpdateStatus.SENDING,
    )


@bp.get("/<int:update_id>/progress.json")
def progress_json(update_id: int):
    response = jsonify(progress(_update_or_404(update_id)).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response
