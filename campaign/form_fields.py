"""Filters, validators and fields that several feature forms share; wording stays with each form."""

import re
from enum import StrEnum

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from campaign.addresses import InvalidEmail, checked_email

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
MAX_LANGUAGE_LENGTH = 16
NO_LINK = 0  # a select's choice for "no linked row": no campaign, no petition, an original


class RowForm(FlaskForm):
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
    """A select's coerce for ids: anything but a number is 0, refused as "not a valid choice"."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def valid_email(form: FlaskForm, field: EmailField) -> None:
    """A validator: an email address as we store it, or its problem in a sentence."""
    try:
        field.data = checked_email(field.data or "")
    except InvalidEmail as error:
        raise ValidationError(str(error)) from None


def slug_field(
    example: str, description: str, max_length: int = 120, too_long: str | None = None
) -> StringField:
    """A required slug; `too_long` is the message past `max_length` (WTForms' own if None)."""
    return StringField(
        "Slug",
        filters=[strip],
        validators=[
            DataRequired(message="Enter a slug."),
            Length(max=max_length, message=too_long),
            Regexp(
                SLUG,
                message=f"Use lowercase letters, digits and single hyphens, like “{example}”.",
            ),
        ],
        description=description,
    )


def title_field() -> StringField:
    """A required title of up to 200 characters."""
    return StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(message="Enter a title."), Length(max=200)],
    )


def any_status_choices(statuses: type[StrEnum]) -> list[SelectChoice]:
    """A filter's status choices: any status, then each of `statuses`."""
    return [
        SelectChoice("", "Any status"),
        *(SelectChoice(status.value, status.value.capitalize()) for status in statuses),
    ]
