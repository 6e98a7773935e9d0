"""The sign form, validated at the edge: every field bounded, names plain text."""

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import BooleanField, EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import html_params

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.countries import country_names, country_options_html
from campaign.form_fields import Form, valid_email
from campaign.petitions.signing import CONSENT_WORDING

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_LOOKS_LIKE_A_LINK = re.compile(
    r"(https?:|www\.|://|\b[\w-]+\.(com|net|org|ru|cn|io|xyz)\b"
    r"|\b(javascript|vbscript|file|mailto|ftp)\s*:|\bdata:[\w.+-]+/)",
    re.I,
)
_FORMULA_START = ("=", "+", "-", "@")


def _as_read(value: str) -> str:
    """The text as a reader, browser or spreadsheet takes it: compatibility forms folded
    (a full-width equals sign is "="), invisible format and control characters dropped, trimmed."""
    folded = unicodedata.normalize("NFKC", value)
    return "".join(
        char for char in folded if char.isspace() or unicodedata.category(char) not in ("Cf", "Cc")
    ).strip()


def plain_name(form, field) -> None:
    """Refuse names that are links or would run as a spreadsheet formula in an export."""
    value = _as_read(field.data or "")
    if _LOOKS_LIKE_A_LINK.search(value):
        raise ValidationError(_("Enter your name without a web address."))
    if value.startswith(_FORMULA_START):
        raise ValidationError(_("Your name cannot start with = + - or @."))


def known_country(form, field) -> None:
    if field.data not in country_names():
        raise ValidationError(_("Choose your country from the list."))


class CountrySelect:
    """The country list from a per-language cache, with the chosen one marked.

    WTForms would render ~250 options on every petition page view: a quarter of its time.
    The list's first option is its prompt; it is written here, in the page's language.
    """

    def __call__(self, field: SelectField, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        countries = country_options_html(getattr(field, "language", "en"))
        # Outside the f-string, where extraction finds it.
        prompt = escape(_("Choose…"))
        options = f'<option value="">{prompt}</option>{countries}'
        if field.data:
            plain = f'<option value="{escape(field.data)}">'
            options = options.replace(plain, plain.replace("<option ", "<option selected "), 1)
        # Safe: html_params escapes the attributes, and every option was escaped when built.
        select = f"<select {html_params(name=field.name, **kwargs)}>{options}</select>"
        return Markup(select)  # noqa: S704


class SignForm(Form):
    # No CSRF token: the petition page is cached and sets no cookie; the view checks the origin
    # instead (campaign.security.form_post_is_ours).
    class Meta:
        csrf = False

    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=100), plain_name],
        render_kw={"autocomplete": "name", "maxlength": 100},
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            valid_email,  # checks the length too, in our own words
        ],
        description=_l("Only to confirm your signature. Never shown."),
        render_kw={"autocomplete": "email", "maxlength": MAX_EMAIL_LENGTH},
    )
    # known_country checks the choice, in our own words (WTForms would add its own).
    country = SelectField(
        _l("Country"),
        validators=[DataRequired(_l("Choose your country.")), known_country],
        validate_choice=False,
        widget=CountrySelect(),
    )
    postcode = StringField(
        _l("Postcode"),
        validators=[Optional(), Length(max=16)],
        render_kw={"autocomplete": "postal-code", "maxlength": 16},
    )
    comment = TextAreaField(
        _l("Why I signed (optional)"),
        validators=[Optional(), Length(max=500, message=_l("Keep it under 500 characters."))],
        description=_l("Shown on the page with your name once a moderator approves it."),
        render_kw={"maxlength": 500, "rows": 3},
    )
    show_name = BooleanField(_l("Show my name and country on this page"))
    # Shown in the page's language, looked up by the English wording, which is what a signature
    # records as the consent (the msgid is marked where the wording is defined).
    subscribe = BooleanField(_l(CONSENT_WORDING))
    # A honeypot: hidden from people by CSS and aria-hidden; bots fill it in.
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )
    source = HiddenField()
    utm_source = HiddenField()
    utm_medium = HiddenField()
    utm_campaign = HiddenField()
    utm_term = HiddenField()
    utm_content = HiddenField()

    def __init__(self, *args, language: str = "en", ask_postcode: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.language = language
        if not ask_postcode:
            del self.postcode

    def utm(self) -> dict[str, str]:
        """The utm_* parameters that came with the visit, trimmed."""
        return {
            name: (getattr(self, name).data or "")[:100]
            for name in UTM_FIELDS
            if getattr(self, name).data
        }
