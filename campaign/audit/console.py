"""The audit trail in the console, under /admin/audit, for admins: the entries, newest first,
filtered by organiser, action and day, the state of the chain above them, and the CSV."""

from flask import render_template, request

from campaign.accounts import reports as accounts
from campaign.accounts.access import admin_required
from campaign.accounts.reauth import requires_recent_check
from campaign.audit import reports
from campaign.audit.blueprint import console_bp as bp
from campaign.audit.console_forms import EntryFilterForm
from campaign.audit.exports import filters, when_written
from campaign.audit.trail import verify
from campaign.csv_safety import csv_download
from campaign.paging import console_page


def _filter_form() -> EntryFilterForm:
    return EntryFilterForm(
        request.args, organisers=accounts.organisers(), actions=reports.actions()
    )


@bp.get("/audit")
@admin_required
def entries():
    form = _filter_form()
    if not form.validate():
        # A day that is not a day: refused beside its field, and no list that looks filtered.
        return _entries_page(form, page=None), 400
    return _entries_page(form, page=console_page(reports.newest_first(form.filter())))


def _entries_page(form: EntryFilterForm, page):
    count, breaks = verify()
    return render_template(
        "audit/console/entries.html",
        form=form,
        page=page,
        count=count,
        breaks=breaks,
        broken={found.entry_id for found in breaks},
        newest=reports.newest(),
        filters={key: value for key, value in form.data.items() if value},
    )


@bp.get("/audit/export.csv")
@admin_required
@requires_recent_check
def export():
    form = _filter_form()
    if not form.validate():
        return _entries_page(form, page=None), 400
    chosen = form.filter()
    detail = filters(
        organiser=chosen.actor_id, action=chosen.action, since=chosen.since, until=chosen.until
    )
    written = when_written("export audit trail", detail=detail)
    # Streamed a batch at a time, oldest first, as the entries were sealed.
    return csv_download("audit-trail", reports.CSV_COLUMNS, reports.entry_rows(chosen), written)
