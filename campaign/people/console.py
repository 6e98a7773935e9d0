"""The console's People page under /admin/people: one address in, everything held about it
out, with its export and its erasure.

The address travels in POST bodies only, never in a URL (server logs, browser history). Each
action asks the organiser to prove it is them again when their last check is old, and goes
into the audit trail by counts alone.
"""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from campaign.accounts.reauth import requires_recent_check
from campaign.audit import trail
from campaign.db import utcnow
from campaign.donations.money import format_money
from campaign.extensions import db
from campaign.people import erasing
from campaign.people.blueprint import console_bp as bp
from campaign.people.console_forms import EraseForm, PersonForm
from campaign.people.exporting import export_json
from campaign.people.finding import find_person


@bp.get("/")
def people():
    return _page(form=PersonForm(formdata=None))


@bp.post("/")
@requires_recent_check
def look_up():
    form = PersonForm()
    if not form.validate():
        return _page(form=form), 400
    person = find_person(form.email.data)
    trail.record("look up person", rows=person.rows)
    db.session.commit()
    return _page(
        form=form, person=person, erase_form=EraseForm(formdata=None, data={"email": person.email})
    )


@bp.post("/export")
@requires_recent_check
def export():
    form = PersonForm()
    if not form.validate():
        return _page(form=form), 400
    person = find_person(form.email.data)
    trail.record("export person", rows=person.rows)
    db.session.commit()
    response = make_response(export_json(person))
    response.mimetype = "application/json"
    # The address stays out of the file's name: downloads folders are shared and synced.
    name = f"person-{utcnow():%Y%m%d-%H%M%S}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/erase")
@requires_recent_check
def erase():
    form = EraseForm()
    if not form.validate():
        if form.email.errors:
            return _page(form=form), 400
        # Not ticked: the person's page again, the reason beside the box.
        page = _page(
            form=PersonForm(formdata=None, data={"email": form.email.data}),
            person=find_person(form.email.data),
            erase_form=form,
        )
        return page, 400
    person = find_person(form.email.data)
    if not person.found:
        flash(_("Nothing is held about that address: there was nothing to erase."), "info")
        return redirect(url_for("people_console.people"), 303)
    erasure = erasing.erase(person)
    trail.record("erase person", rows=erasure.total, detail=erasure.summary())
    db.session.commit()
    # Shown straight from the POST: pressing again finds nothing, and erases nothing more.
    return _page(form=PersonForm(formdata=None), erasure=erasure)


def _page(**context) -> str:
    return render_template(
        "people/console/people.html",
        money=lambda donation: format_money(donation.amount, donation.currency),
        **context,
    )
