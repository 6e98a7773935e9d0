"""The subscribe form, and the console's import and search forms."""

import re

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.addresses import MAX_EMAIL_LENGTH, InvalidEmail, checked_email
from campaign.audience.models import SubscriberStatus

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def consent_wording() -> str:
    """The sentence beside every subscribe button, stored with each subscriber as their consent."""
    site = current_app.config["SITE_NAME"]
    return f"Send me email updates from {site}. I can unsubscribe at any time, in one click."


def clean_language(value: str | None, fallback: str = "en") -> str:
    """A language tag from a hidden field, or `fallback` when it is not a plausible one."""
    value = (value or "").strip()
    return value if len(value) <= 16 and LANGUAGE_TAG.match(value) else fallback


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _valid_email(form: FlaskForm, field: EmailField) -> None:
    try:
        field.data = checked_email(field.data or "")
    except InvalidEmail as error:
        raise ValidationError(str(error)) from None


class SubscribeForm(FlaskForm):
    # No token here: /subscribe checks the origin or a token itself (see form_post_is_ours),
    # so the same form can sit on cached, cookie-free public pages.
    class Meta:
        csrf = False

    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=MAX_EMAIL_LENGTH, message="That email address is too long."),
            _valid_email,
        ],
    )
    name = StringField(
        "Name (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=200, message="Please keep the name under 200 characters."),
        ],
    )
    # A honeypot: hidden from people, filled in by bots that fill in everything.
    website = StringField("Leave this field empty")
    campaign = HiddenField()
    language = HiddenField()


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[
            FileRequired(message="Choose a CSV file to import."),
            FileAllowed(["csv"], message="The file must be a .csv file."),
        ],
        description=(
            "Columns: email, consent (yes or no), and optionally name, language, consent_text "
            "and source. Only rows whose consent column says yes are imported."
        ),
    )


STATUS_CHOICES = [
    SelectChoice("", "Any status"),
    *(SelectChoice(status.value, status.value.capitalize()) for status in SubscriberStatus),
]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        "Email or name contains", filters=[_strip], validators=[Optional(), Length(max=254)]
    )
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[Optional()])
