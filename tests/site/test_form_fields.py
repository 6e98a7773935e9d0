"""The base of every form: control characters and over-wide numbers stop beside their field."""

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, IntegerField, PasswordField, StringField, TextAreaField

from campaign.form_fields import CONTROL_CHARACTER_MESSAGE, TOO_LARGE_MESSAGE, Form, UTCTimeField
from campaign.petitions.models import Signature
from tests.factories.petitions import make_petition


class Sample(Form):
    class Meta:
        csrf = False

    line = StringField()
    text = TextAreaField()
    secret = PasswordField()
    hidden = HiddenField()
    number = IntegerField()
    moment = UTCTimeField(message="Not a time.")


def sample(**typed: str) -> Sample:
    return Sample(formdata=MultiDict(typed))


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("field", ["line", "text", "secret"])
@pytest.mark.parametrize(
    ("typed", "shown_again"),
    [("\x00", ""), ("a\x00b", "ab"), ("\x1b[2J", "[2J"), ("x\x7f", "x"), ("\x0bv", "v")],
)
def test_a_control_character_is_refused_beside_its_field_and_not_shown_again(
    field, typed, shown_again
):
    form = sample(**{field: typed})

    assert not form.validate()
    assert form.errors == {field: [CONTROL_CHARACTER_MESSAGE]}
    assert form[field].data == shown_again


def test_on_one_line_a_pasted_tab_or_line_break_becomes_a_space():
    form = sample(line="Ada\tLove\r\nlace")

    assert form.validate()
    assert form.line.data == "Ada Love lace"


def test_a_text_area_and_a_password_keep_their_line_breaks_and_tabs():
    form = sample(text="First\r\n\tSecond", secret="pass\tword")

    assert form.validate()
    assert (form.text.data, form.secret.data) == ("First\r\n\tSecond", "pass\tword")


def test_a_hidden_field_loses_control_characters_silently():
    form = sample(hidden="news\x00letter\x1b")

    assert form.validate()
    assert form.hidden.data == "newsletter"


@pytest.mark.parametrize("value", ["2147483648", "-2147483649", "99999999999999999999"])
def test_an_integer_no_column_can_hold_is_refused(value):
    form = sample(number=value)

    assert not form.validate()
    assert form.errors == {"number": [TOO_LARGE_MESSAGE]}


def test_an_integer_a_column_holds_is_kept():
    form = sample(number="2147483647")

    assert form.validate()
    assert form.number.data == 2147483647


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "2026-02-30", "soon"]
)
def test_a_time_no_date_can_hold_is_refused_with_the_forms_words(value):
    form = sample(moment=value)

    assert not form.validate()
    assert form.errors == {"moment": ["Not a time."]}


def test_a_time_with_an_offset_is_read_as_utc():
    form = sample(moment="2026-12-31T18:00+02:00")

    assert form.validate()
    assert form.moment.data.isoformat() == "2026-12-31T16:00:00+00:00"


def test_a_sign_up_with_a_nul_in_the_name_is_refused_beside_the_name_and_keeps_nothing(
    app, client, session
):
    petition = make_petition()

    response = client.post(
        f"/petitions/{petition.slug}/sign",
        data={"name": "Ada\x00", "email": "ada@example.org", "country": "GB"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="name-error">{CONTROL_CHARACTER_MESSAGE}</p>' in page
    assert session.scalar(select(func.count()).select_from(Signature)) == 0
