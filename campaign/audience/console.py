"""The console's subscriber pages under /admin/subscribers: list, export, import."""

import io
from collections.abc import Iterator

from flask import render_template, request
from sqlalchemy import Select, func, or_, select

from campaign.audience.blueprint import console_bp as bp
from campaign.audience.forms import ImportForm, SearchForm
from campaign.audience.importing import ImportFileError, import_subscribers
from campaign.audience.models import Subscriber, SubscriberStatus
from campaign.content.models import Campaign
from campaign.csv_safety import csv_download
from campaign.extensions import db
from campaign.paging import console_page

EXPORT_BATCH = 500
EXPORT_COLUMNS = (
    "email",
    "name",
    "language",
    "status",
    "campaign",
    "consent_source",
    "consent_text",
    "consent_at",
    "confirmed_at",
    "unsubscribed_at",
    "created_at",
)


def _filtered(query: Select, form: SearchForm) -> Select:
    if form.q.data:
        query = query.where(
            or_(
                Subscriber.email.icontains(form.q.data, autoescape=True),
                Subscriber.name.icontains(form.q.data, autoescape=True),
            )
        )
    if form.status.data:
        query = query.where(Subscriber.status == form.status.data)
    return query


def _search_form() -> SearchForm:
    form = SearchForm(request.args)
    if not form.validate():  # an unknown status or an overlong search: show everything
        form = SearchForm(formdata=None)
    return form


@bp.get("/")
def subscribers():
    form = _search_form()
    query = _filtered(select(Subscriber), form).order_by(
        Subscriber.created_at.desc(), Subscriber.id.desc()
    )
    page = console_page(query)
    campaign_ids = {each.campaign_id for each in page.items if each.campaign_id}
    campaigns = dict(
        db.session.execute(
            select(Campaign.id, Campaign.title).where(Campaign.id.in_(campaign_ids))
        ).all()
    )
    counts = dict(
        db.session.execute(
            select(Subscriber.status, func.count()).group_by(Subscriber.status)
        ).all()
    )
    return render_template(
        "audience/console/subscribers.html",
        form=form,
        page=page,
        campaigns=campaigns,
        counts={status.value: counts.get(status.value, 0) for status in SubscriberStatus},
        total=sum(counts.values()),
        filters={key: value for key, value in form.data.items() if value},
    )


def _export_rows(form: SearchForm) -> Iterator[tuple]:
    """The export's rows; the query is built now, from the form, the rows read as they stream."""
    query = (
        _filtered(
            select(Subscriber, Campaign.slug).outerjoin(
                Campaign, Campaign.id == Subscriber.campaign_id
            ),
            form,
        )
        .order_by(Subscriber.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    return _subscriber_rows(query)


def _subscriber_rows(query: Select) -> Iterator[tuple]:
    for subscriber, campaign_slug in db.session.execute(query):
        yield (
            subscriber.email,
            subscriber.name,
            subscriber.language,
            subscriber.status,
            campaign_slug,
            subscriber.consent_source,
            subscriber.consent_text,
            subscriber.consent_at,
            subscriber.confirmed_at,
            subscriber.unsubscribed_at,
            subscriber.created_at,
        )


@bp.get("/export.csv")
def export():
    # Streamed a batch at a time: memory stays flat however long the list grows.
    return csv_download("subscribers", EXPORT_COLUMNS, _export_rows(_search_form()))


@bp.route("/import", methods=["GET", "POST"])
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
    return render_template("audience/console/import.html", form=form, report=report), status
