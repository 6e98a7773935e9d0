"""The console's updates under /admin/updates: write, preview, test, send or schedule, watch."""

from flask import (
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from campaign.admin.helpers import check_slug
from campaign.extensions import db
from campaign.mailer.console import framed_html
from campaign.paging import console_page
from campaign.updates import control, editing
from campaign.updates.audience import audience_size
from campaign.updates.blueprint import console_bp as bp
from campaign.updates.forms import ScheduleForm, TestSendForm, UpdateForm
from campaign.updates.models import DeliveryStatus, Update, UpdateStatus
from campaign.updates.reports import (
    LISTED_ROWS,
    console_updates,
    outcomes,
    progress,
    rows_with_status,
    sent_counts,
)
from campaign.updates.runner import kick


def _update_or_404(update_id: int) -> Update:
    return db.get_or_404(Update, update_id)


def _to(endpoint: str, update: Update):
    return redirect(url_for(f"updates_console.{endpoint}", update_id=update.id), 303)


@bp.get("/")
def updates():
    page = console_page(console_updates())
    return render_template(
        "updates/console/updates.html",
        page=page,
        sent=sent_counts([update.id for update in page.items]),
        audience_summary=editing.audience_summary,
    )


@bp.route("/new", methods=["GET", "POST"])
def new_update():
    form = UpdateForm(**editing.form_choices())
    if form.validate_on_submit() and check_slug(form.slug, Update, "update"):
        update = Update()
        db.session.add(update)
        editing.apply_form(form, update)
        db.session.commit()
        flash(f"Draft “{update.subject}” saved.", "success")
        return _to("update", update)
    return _form_page(form, None)


@bp.route("/<int:update_id>/edit", methods=["GET", "POST"])
def edit_update(update_id: int):
    update = _update_or_404(update_id)
    if not editing.is_editable(update):
        flash(f"This update is {update.status}: it can no longer be changed.", "error")
        return _to("update", update)
    form = UpdateForm(obj=update, **editing.form_choices())
    if form.validate_on_submit() and check_slug(form.slug, Update, "update", keep=update):
        editing.apply_form(form, update)
        db.session.commit()
        flash("Update saved.", "success")
        return _to("update", update)
    return _form_page(form, update)


def _form_page(form: UpdateForm, update: Update | None):
    page = render_template(
        "updates/console/update_form.html",
        form=form,
        update=update,
        audience=audience_size(update) if update is not None else None,
    )
    return page, 400 if form.errors else 200


@bp.get("/<int:update_id>")
def update(update_id: int):
    update = _update_or_404(update_id)
    if not editing.is_editable(update):
        return _to("progress_page", update)
    return _update_page(
        update, TestSendForm(formdata=None, email=current_user.email), ScheduleForm(formdata=None)
    )


def _update_page(update: Update, test_form: TestSendForm, schedule_form: ScheduleForm):
    page = render_template(
        "updates/console/update.html",
        update=update,
        audience=audience_size(update),
        audience_summary=editing.audience_summary(update),
        test_form=test_form,
        schedule_form=schedule_form,
    )
    return page, 400 if test_form.errors or schedule_form.errors else 200


@bp.get("/<int:update_id>/preview")
def preview(update_id: int):
    update = _update_or_404(update_id)
    return render_template(
        "updates/console/preview.html",
        update=update,
        message=editing.preview(update, current_user.email),
        sample_name=editing.SAMPLE_NAME,
    )


@bp.get("/<int:update_id>/preview.html")
def preview_html(update_id: int):
    update = _update_or_404(update_id)
    return framed_html(editing.preview(update, current_user.email).html)


@bp.post("/<int:update_id>/test")
def send_test(update_id: int):
    update = _update_or_404(update_id)
    form = TestSendForm()
    if form.validate_on_submit():
        try:
            editing.send_test(update, form.email.data)
        except editing.TestSendError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"A test of “{update.subject}” went to {form.email.data}.", "success")
            return _to("update", update)
    if not editing.is_editable(update):
        flash(form.email.errors[0] if form.email.errors else "The test was not sent.", "error")
        return _to("progress_page", update)
    return _update_page(update, form, ScheduleForm(formdata=None))


@bp.post("/<int:update_id>/send")
def send_now(update_id: int):
    update = _update_or_404(update_id)
    try:
        queued = control.send_now(update)  # commits: the rows exist before any sender looks
    except control.ControlError as error:
        flash(str(error), "error")
        return _to("update", update)
    kick(update.id)
    people = "person" if queued == 1 else "people"
    flash(f"Sending “{update.subject}” to {queued:,} {people}.", "success")
    return _to("progress_page", update)


@bp.post("/<int:update_id>/schedule")
def schedule(update_id: int):
    update = _update_or_404(update_id)
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            control.schedule(update, form.send_at.data)
        except control.ControlError as error:
            form.send_at.errors.append(str(error))
        else:
            db.session.commit()
            when = update.scheduled_at.strftime("%-d %B %Y at %H:%M UTC")
            flash(f"“{update.subject}” will be sent on {when}.", "success")
            return _to("update", update)
    if not editing.is_editable(update):
        return _to("progress_page", update)
    return _update_page(update, TestSendForm(formdata=None, email=current_user.email), form)


@bp.post("/<int:update_id>/unschedule")
def unschedule(update_id: int):
    return _act(update_id, control.unschedule, "It is a draft again: nothing will be sent.")


@bp.post("/<int:update_id>/pause")
def pause(update_id: int):
    return _act(update_id, control.pause, "Paused: no new batch starts until you resume.")


@bp.post("/<int:update_id>/resume")
def resume(update_id: int):
    return _act(update_id, control.resume, "Sending again.", wake=True)


@bp.post("/<int:update_id>/cancel")
def cancel(update_id: int):
    return _act(update_id, control.cancel, "Cancelled: {n:,} people still waiting get nothing.")


@bp.post("/<int:update_id>/uncertain/resend")
def resend_uncertain(update_id: int):
    return _act(update_id, control.resend_uncertain, "{n:,} uncertain queued again.", wake=True)


@bp.post("/<int:update_id>/uncertain/drop")
def drop_uncertain(update_id: int):
    return _act(update_id, control.drop_uncertain, "{n:,} uncertain dropped: never sent again.")


def _act(update_id: int, action, done: str, wake: bool = False):
    update = _update_or_404(update_id)
    try:
        result = action(update)
    except control.ControlError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        if wake:
            kick(update.id)  # after the commit, so the sender sees the change
        flash(done.format(n=result or 0), "success")
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
