"""The subscribe form, and the console's import and search forms."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from campaign.i18n.languages import N_
from campaign.subscribers.models import SubscriberStatus
from campaign.subscribers.reports import SubscriberSearch

# The sentence beside every subscribe button. Each subscriber's consent record keeps it in
# English, as written here; the page shows it in its own language.
SUBSCRIBE_CONSENT = N_(
    "Send me email updates from %(site)s. I can unsubscribe at any time, in one click."
)


def consent_wording() -> str:
    """The consent sentence as stored with each subscriber: in English, naming the site."""
    return SUBSCRIBE_CONSENT % {"site": current_app.config["SITE_NAME"]}


def shown_consent_wording() -> str:
    """The consent sentence in the page's language, for the subscribe forms."""
    return _(SUBSCRIBE_CONSENT, site=current_app.config["SITE_NAME"])


def clean_language(value: str | None, fallback: str = "en") -> str:
    """A language tag from an imported file, or `fallback` when it is not a plausible one."""
    value = (value or "").strip()
    return value if len(value) <= MAX_LANGUAGE_LENGTH and LANGUAGE_TAG.match(value) else fallback


class SubscribeForm(Form):
    # No token here: /subscribe checks the origin or a token itself (see form_post_is_ours),
    # so the same form can sit on cached, cookie-free public pages.
    class Meta:
        csrf = False

    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=MAX_EMAIL_LENGTH, message=_l("That email address is too long.")),
            valid_email,
        ],
    )
    name = StringField(
        _l("Name (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=200, message=_l("Please keep the name under 200 characters.")),
        ],
    )
    # A honeypot: hidden from people, filled in by bots that fill in everything.
    website = StringField(_l("Leave this field empty"))
    campaign = HiddenField()
    # No language field: the subscriber's language is the page's the form was posted to.


class ImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(message=_l("Choose a CSV file to import.")),
            FileAllowed(["csv"], message=_l("The file must be a .csv file.")),
        ],
        description=_l(
            "Columns: email, consent (yes or no), and optionally name, language, consent_text "
            "and source. Only rows whose consent column says yes are imported."
        ),
    )


STATUS_CHOICES = any_status_choices(SubscriberStatus)


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        _l("Email or name contains"), filters=[strip], validators=[Optional(), Length(max=254)]
    )
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])

    def search(self) -> SubscriberSearch:
        """The search the form describes."""
        return SubscriberSearch(text=self.q.data or "", status=self.status.data or "")
