"""WTForms' and Flask-WTF's own messages are looked up in our catalog, in the page's language."""

import flask_babel
import pytest
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from campaign.form_fields import Form
from campaign.i18n import forms
from campaign.i18n.site import LANGUAGE_KEY, current_language
from tests.helpers import in_language


class Sample(Form):
    class Meta:
        csrf = False

    name = StringField(validators=[DataRequired()])
    code = StringField(validators=[Length(max=3)])


class WithToken(Form):
    pass


@pytest.fixture
def looked_up(monkeypatch) -> list[str]:
    """The msgids our translations object asks flask_babel.gettext for."""
    assert forms.gettext is flask_babel.gettext
    asked: list[str] = []

    def spy(string: str, **variables) -> str:
        asked.append(string)
        return flask_babel.gettext(string, **variables)

    monkeypatch.setattr(forms, "gettext", spy)
    return asked


@pytest.fixture
def uyghur_page(app):
    # A request as LanguageFromPath hands `/ug/…` to Flask.
    with app.test_request_context(
        "/", base_url="http://campaign.test/ug", environ_overrides={LANGUAGE_KEY: "ug"}
    ):
        assert current_language() == "ug"
        yield


def test_every_form_hands_wtforms_our_translations(uyghur_page):
    form = Sample(formdata=MultiDict())

    assert form.meta.get_translations(form) is forms.translations


def test_a_required_field_on_a_uyghur_page_is_refused_through_our_catalog(uyghur_page, looked_up):
    form = Sample(formdata=MultiDict({"name": ""}))

    assert not form.validate()
    assert "This field is required." in forms.LIBRARY_MESSAGES
    assert "This field is required." in looked_up
    assert form.errors["name"] == [in_language("ug", "This field is required.")]
    assert form.errors["name"] != ["This field is required."]


def test_a_plural_message_keeps_wtforms_own_values(uyghur_page):
    form = Sample(formdata=MultiDict({"name": "Ada", "code": "ABCD"}))

    assert not form.validate()
    # WTForms' own msgids and its `max`, in the page's language.
    expected = in_language(
        "ug",
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        3,
        max=3,
    )
    assert form.errors["code"] == [expected] and "3" in expected


def test_a_forms_csrf_refusal_is_looked_up_in_our_catalog(uyghur_page, looked_up):
    generate_csrf()  # a session token, so the refusal is about the form's token
    form = WithToken(formdata=MultiDict({"csrf_token": "forged"}))

    assert not form.validate()
    assert form.errors["csrf_token"] == [in_language("ug", "The CSRF token is invalid.")]
    assert "The CSRF token is invalid." in looked_up
    assert "The CSRF token is invalid." in forms.LIBRARY_MESSAGES
