"""The supporter's own pages, from the "Your data" link in any of our emails.

Link-scanning mail filters open every link, and some keep what they saw: the link itself
shows one button and nothing held. Pressing it shows what we hold, with a download and an
erase button; erasing asks for a tick first. Nothing here is cached anywhere.
"""

from dataclasses import dataclass

from flask import current_app, make_response, render_template

from campaign.addresses import InvalidEmail
from campaign.audit import trail
from campaign.donations.models import Interval, SubscriptionStatus
from campaign.donations.money import format_money
from campaign.donations.receipts import manage_url
from campaign.extensions import db, limiter
from campaign.i18n.site import current_language
from campaign.i18n.translating import in_page_language_all
from campaign.people import erasing
from campaign.people.blueprint import bp
from campaign.people.exporting import export_json
from campaign.people.finding import Person, find_person
from campaign.people.forms import EraseMyDataForm
from campaign.people.links import address_in
from campaign.tokens import TokenError

RUNNING = frozenset({SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE})


@dataclass(frozen=True)
class _ThePersonThemselves:
    """Who the audit trail names for an erasure from a "Your data" link: no organiser."""

    id: None = None
    email: str = ""


def _confirm_limit() -> str:
    return current_app.config["CONFIRM_RATE_LIMIT"]


class _BadLink(Exception):
    pass


def _address(token: str) -> str:
    try:
        return address_in(token)
    except TokenError:
        raise _BadLink from None


def _private(page: str, status: int = 200):
    response = make_response(page, status)
    # Someone's data: no browser, proxy or page cache keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(_BadLink)
def _bad_link(error: _BadLink):
    return _private(render_template("people/bad_link.html"), 404)


@bp.get("/your-data/<token>")
def your_data(token: str):
    return _private(render_template("people/your_data.html", email=_address(token)))


@bp.post("/your-data/<token>")
@limiter.limit(_confirm_limit)
def held(token: str):
    return _held_page(_person(token), token, EraseMyDataForm(formdata=None))


@bp.post("/your-data/<token>/download")
@limiter.limit(_confirm_limit)
def download(token: str):
    response = _private(export_json(_person(token)))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="your-data.json"'
    return response


@bp.post("/your-data/<token>/erase")
@limiter.limit(_confirm_limit)
def erase(token: str):
    person = _person(token)
    form = EraseMyDataForm()
    if not form.validate():
        return _held_page(person, token, form, 400)
    erasure = erasing.erase(person)
    if erasure.total:
        trail.record(
            "erase person",
            rows=erasure.total,
            detail=f"by the person, from a link in an email: {erasure.summary()}",
            actor=_ThePersonThemselves(),
        )
    db.session.commit()
    return _private(render_template("people/erased.html", erased=bool(erasure.total)))


def _person(token: str) -> Person:
    try:
        return find_person(_address(token))
    except InvalidEmail:
        raise _BadLink from None  # sealed by us for an address we could not use: no person


def _held_page(person: Person, token: str, form: EraseMyDataForm, status: int = 200):
    running = [
        donation
        for donation in person.donations
        if donation.interval == Interval.MONTH
        and donation.first_donation_id is None
        and donation.subscription_status in RUNNING
    ]
    language = current_language()
    petitions = {signature.petition for signature in person.signatures}
    appeals = {donation.appeal for donation in person.donations}
    page = render_template(
        "people/held.html",
        person=person,
        token=token,
        form=form,
        # Organisers' words in the page's language where they translated them.
        petitions={shown.id: shown for shown in in_page_language_all(petitions)},
        appeals={shown.id: shown for shown in in_page_language_all(appeals)},
        money=lambda donation: format_money(donation.amount, donation.currency, language),
        monthly_gifts=[(gift, manage_url(gift, language)) for gift in running],
    )
    return _private(page, status)
