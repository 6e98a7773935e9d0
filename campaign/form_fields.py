"""Filters, validators and fields that several feature forms share; wording stays with each form."""

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import DateTimeLocalInput

from campaign.addresses import InvalidEmail, checked_email
from campaign.i18n.forms import CatalogCSRF, translations
from campaign.input_guard import CONTROL_CHARACTERS, MAX_ID

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_LANGUAGE_LENGTH = 16
NO_LINK = 0  # a select's choice for "no linked row": no campaign, no petition, an original
END_OF_DAY = time(23, 59, 59)


# Where a person types one line, a pasted tab or line break is only a space to them.
_LINE_BREAKS_AND_TABS = re.compile(r"[\t\r\n]+")
# Control characters other than those: nobody types them, and PostgreSQL refuses NUL.
_INVISIBLE_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = _l(
    "This held an invisible control character that cannot be saved; we took it out. "
    "Check the text and send it again."
)
TOO_LARGE_MESSAGE = _l("Enter a smaller number.")


def _refuse_control_characters(form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, str) and _INVISIBLE_CONTROLS.search(field.data):
        # Shown again without them, so the page never echoes them back.
        field.data = _INVISIBLE_CONTROLS.sub("", field.data)
        # Stop: the field's other checks may look the value up in the database.
        raise StopValidation(CONTROL_CHARACTER_MESSAGE)


def _within_a_column(form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, int) and not -MAX_ID - 1 <= field.data <= MAX_ID:
        raise ValidationError(TOO_LARGE_MESSAGE)


class Form(FlaskForm):
    """The base of every form: no control character and no over-wide number gets through.

    Text keeps its line breaks and tabs where they mean something (a text area, a password);
    on one line they become spaces. Any other control character (NUL, escape …) is refused
    beside its field, before the field's own checks run. Hidden fields, which nobody types,
    lose control characters silently. Integers are bounded by what a column holds.
    WTForms' and Flask-WTF's own messages come from our catalog (campaign.i18n.forms).
    """

    class Meta:
        csrf_class = CatalogCSRF

        def get_translations(self, form: FlaskForm) -> object:
            # Flask-WTF's switch for its own translations turns ours off too.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return translations

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field, StringField):
                self._guard_text(field)
            elif isinstance(field, IntegerField):
                field.validators = [*field.validators, _within_a_column]

    @staticmethod
    def _guard_text(field: StringField) -> None:
        if isinstance(field.data, str):
            if isinstance(field, HiddenField):
                field.data = CONTROL_CHARACTERS.sub("", field.data)
            elif not isinstance(field, TextAreaField | PasswordField):
                field.data = _LINE_BREAKS_AND_TABS.sub(" ", field.data)
        field.validators = [_refuse_control_characters, *field.validators]


class RowForm(Form):
    """A console form that edits a saved row, passed as `obj=`; `data=` overrides the row.

    WTForms would fill a field from `obj.<name>` first; for a select tied to other rows that is
    the related object, which matches no choice, so the edit page showed no link and saving it
    unchanged removed the link. Here a field with a foreign key beside it, `obj.<name>_id`,
    takes that id (NO_LINK when empty), and other fields take `obj.<name>` as WTForms does.
    """

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs) -> None:
        """Fill the fields from the request's form, or else from `data`, then the row."""
        if obj is not None:
            data = row_values(obj, self._fields) | (data or {})
        super().process(formdata, data=data, extra_filters=extra_filters, **kwargs)


def row_values(row: object, names) -> dict:
    """The values of `row` for the fields `names`: ids for links, attributes for the rest."""
    values = {}
    for name in names:
        if hasattr(row, f"{name}_id"):
            values[name] = getattr(row, f"{name}_id") or NO_LINK
        elif hasattr(row, name):
            values[name] = getattr(row, name)
    return values


def strip(value: str | None) -> str | None:
    """A filter: the typed text without surrounding whitespace."""
    return value.strip() if isinstance(value, str) else value


def coerce_id(value: object) -> int:
    """A select's coerce for ids: anything but an id a column can hold is 0 (no valid choice)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number <= MAX_ID else 0


def valid_email(form: FlaskForm, field: EmailField) -> None:
    """A validator: an email address as we store it, or its problem in a sentence."""
    try:
        field.data = checked_email(field.data or "")
    except InvalidEmail as error:
        raise ValidationError(str(error)) from None


def language_field(description: str | None = None) -> StringField:
    """A language tag, as organisers type one (en, ug, zh-Hant)."""
    return StringField(
        _l("Language"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a language code.")),
            Length(max=MAX_LANGUAGE_LENGTH),
            Regexp(
                LANGUAGE_TAG,
                message=_l("Use a language code like “en”, “ug” or “zh-Hant”."),
            ),
        ],
        description=description or _l("A language code such as en, ug, zh-Hant."),
    )


def slug_field(
    example: str, description: str, max_length: int = 120, too_long: str | None = None
) -> StringField:
    """A required slug; `too_long` is the message past `max_length` (WTForms' own if None)."""
    return StringField(
        _l("Slug"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a slug.")),
            Length(max=max_length, message=too_long),
            Regexp(
                SLUG,
                message=_l(
                    "Use lowercase letters, digits and single hyphens, like “%(example)s”.",
                    example=example,
                ),
            ),
        ],
        description=description,
    )


def title_field() -> StringField:
    """A required title of up to 200 characters."""
    return StringField(
        _l("Title"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a title.")), Length(max=200)],
    )


def any_status_choices(statuses: type[StrEnum]) -> list[SelectChoice]:
    """A filter's status choices: any status, then each of `statuses`."""
    return [
        SelectChoice("", _l("Any status")),
        *(SelectChoice(status.value, status.value.capitalize()) for status in statuses),
    ]


def parse_utc(text: str, end_of_day: bool = False, dates_alone: bool = True) -> datetime:
    """A date and time typed as UTC (or with its own offset); with `dates_alone`, a date alone
    is that day's start, or its end. ValueError for anything else."""
    text = text.strip()
    if len(text) == len("2026-12-31"):
        if not dates_alone:
            raise ValueError("a date without a time")
        day = date.fromisoformat(text)
        return datetime.combine(day, END_OF_DAY if end_of_day else time(), tzinfo=UTC)
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UTCTimeField(Field):
    """A datetime-local input read as UTC; `message` is the form's words for a bad value.

    Browsers without the input may type a date alone: that day's start, or its end with
    `end_of_day`, unless `dates_alone` is False.
    """

    widget = DateTimeLocalInput()

    def __init__(
        self,
        label: str | None = None,
        validators=None,
        *,
        message: str,
        end_of_day: bool = False,
        dates_alone: bool = True,
        **kwargs,
    ) -> None:
        kwargs.setdefault("render_kw", {"step": 1})  # seconds, so 23:59:59 shows as it is
        super().__init__(label, validators, **kwargs)
        self.message = message
        self.end_of_day = end_of_day
        self.dates_alone = dates_alone

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return self.data.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_utc(valuelist[0], self.end_of_day, self.dates_alone)
            except (ValueError, OverflowError):  # OverflowError: an offset past year 1 or 9999
                raise ValueError(self.message) from None


def moment_field(label: str, required: str, description: str) -> UTCTimeField:
    """When to do something later (send an update, publish an explainer): a date and time in
    UTC, to the minute; `required` is the message when none is given."""
    return UTCTimeField(
        label,
        validators=[InputRequired(message=required)],
        message=_l("Enter a date and time like 2026-12-31T18:00."),
        dates_alone=False,
        render_kw={},  # minutes are enough to schedule by
        description=description,
    )
