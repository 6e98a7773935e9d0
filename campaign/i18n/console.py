"""Organisers translate a campaign's, petition's or appeal's words, one language at a time."""

from typing import Any

from flask import abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from campaign.audit.trail import record as audit
from campaign.extensions import db
from campaign.form_fields import Form
from campaign.i18n.blueprint import console_bp as bp
from campaign.i18n.languages import language_name, text_direction
from campaign.i18n.translating import (
    Translatable,
    kind_named,
    languages_to_translate_into,
    save_translation,
    translation,
)


def translation_form(kind: Translatable, **kwargs) -> Form:
    """A form with one optional field per translated field of the kind."""
    fields = {}
    for spec in kind.fields:
        validators = [Optional()]
        if spec.max_length:
            validators.append(Length(max=spec.max_length))
        field_class = TextAreaField if spec.multiline else StringField
        fields[spec.name] = field_class(
            spec.label,
            validators=validators,
            description=_l("Leave empty to show the original's words."),
        )
    form_class = type(f"{kind.kind.title()}TranslationForm", (Form,), fields)
    return form_class(**kwargs)


def _record_and_language(kind_name: str, record_id: int, language: str) -> tuple[Any, Any]:
    kind = kind_named(kind_name) or abort(404)
    record = db.session.get(kind.model, record_id) or abort(404)
    if language not in languages_to_translate_into(record):
        abort(404)
    return kind, record


@bp.route("/<kind_name>/<int:record_id>/<language>", methods=["GET", "POST"])
def edit_translation(kind_name: str, record_id: int, language: str):
    kind, record = _record_and_language(kind_name, record_id, language)
    stored = translation(record, language)
    form = translation_form(kind, data=dict(stored.values) if stored else None)
    if form.validate_on_submit():
        texts = {spec.name: form[spec.name].data for spec in kind.fields}
        saved = save_translation(record, language, texts)
        if saved or stored:  # all empty where nothing was stored changes nothing
            audit(
                "save translation" if saved else "remove translation",
                object_kind=kind.kind,
                object_id=record.id,
                detail=f"language={language}",
            )
        db.session.commit()
        if saved:
            flash(_("Saved the %(language)s translation.", language=language_name(language)))
        else:
            flash(_("Removed the %(language)s translation.", language=language_name(language)))
        return redirect(kind.console_url(record), 303)
    return render_template(
        "i18n/console/translation_form.html",
        kind=kind,
        record=record,
        form=form,
        language=language,
        own_language=kind.own_language(record),
        direction=text_direction(language),
    ), 400 if form.errors else 200
