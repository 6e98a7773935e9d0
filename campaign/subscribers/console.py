"""The console's subscriber pages under /admin/subscribers: list, export, import."""

import io

from flask import render_template, request

from campaign.accounts.reauth import requires_recent_check
from campaign.csv_safety import csv_download
from campaign.extensions import db
from campaign.paging import console_page
from campaign.subscribers import reports
from campaign.subscribers.blueprint import console_bp as bp
from campaign.subscribers.console_forms import ImportForm, SearchForm
from campaign.subscribers.importing import ImportFileError, import_subscribers

# Named as before the package was renamed, so its endpoints (audience_console.*) stay as they were.


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    if not form.validate():  # an unknown status or an overlong search: show everything
        form = SearchForm(formdata=None)
    return form


@bp.get("/")
def subscribers():
    form = _search_form()
    page = console_page(reports.search_subscribers(form.search()))
    counts = reports.status_counts()
    return render_template(
        "subscribers/console/subscribers.html",
        form=form,
        page=page,
        campaigns=reports.campaign_titles(page.items),
        counts=counts,
        total=sum(counts.values()),
        filters={key: value for key, value in form.data.items() if value},
    )


@bp.get("/export.csv")
@requires_recent_check
def export():
    # Streamed a batch at a time: memory stays flat however long the list grows.
    rows = reports.subscriber_rows(_search_form().search())
    return csv_download("subscribers", reports.CSV_COLUMNS, rows)


@bp.route("/import", methods=["GET", "POST"])
@requires_recent_check
def import_file():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        stream = io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline="")
        try:
            report = import_subscribers(stream, upload.filename or "upload.csv")
        except ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            if report.written:
                db.session.commit()
            else:
                db.session.rollback()
    status = 400 if form.errors or (report and not report.written) else 200
    return render_template("subscribers/console/import.html", form=form, report=report), status
