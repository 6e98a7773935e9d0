"""The subscribe form, and the console's import and search forms."""

from flask import current_app
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import (
    LANGUAGE_TAG,
    MAX_LANGUAGE_LENGTH,
    Form,
    any_status_choices,
    strip,
    valid_email,
)
from campaign.subscribers.models import SubscriberStatus
from campaign.subscribers.reports import SubscriberSearch


def consent_wording() -> str:
    """The sentence beside every subscribe button, stored with each subscriber as their consent."""
    site = current_app.config["SITE_NAME"]
    return f"Send me email updates from {site}. I can unsubscribe at any time, in one click."


def clean_language(value: str | None, fallback: str = "en") -> str:
    """A language tag from a hidden field, or `fallback` when it is not a plausible one."""
    value = (value or "").strip()
    return value if len(value) <= MAX_LANGUAGE_LENGTH and LANGUAGE_TAG.match(value) else fallback


class SubscribeForm(Form):
    # No token here: /subscribe checks the origin or a token itself (see form_post_is_ours),
    # so the same form can sit on cached, cookie-free public pages.
    class Meta:
        csrf = False

    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired(message="Enter your email address."),
            Length(max=MAX_EMAIL_LENGTH, message="That email address is too long."),
            valid_email,
        ],
    )
    name = StringField(
        "Name (optional)",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=200, message="Please keep the name under 200 characters."),
        ],
    )
    # A honeypot: hidden from people, filled in by bots that fill in everything.
    website = StringField("Leave this field empty")
    campaign = HiddenField()
    language = HiddenField()


class ImportForm(Form):
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


STATUS_CHOICES = any_status_choices(SubscriberStatus)


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        "Email or name contains", filters=[strip], validators=[Optional(), Length(max=254)]
    )
    status = SelectField("Status", choices=STATUS_CHOICES, validators=[Optional()])

    def search(self) -> SubscriberSearch:
        """The search the form describes."""
        return SubscriberSearch(text=self.q.data or "", status=self.status.data or "")
