"""WTForms' and Flask-WTF's own messages, in our catalog and the page's language.

Left alone, Flask-WTF looks a form's built-in messages ("This field is required.") up in the
catalogs WTForms ships, which lack some of our languages and which translators here never see.
Every form's Meta (campaign.form_fields.Form) hands WTForms `translations` instead, so they
are looked up in our catalog like any other string; `LIBRARY_MESSAGES` puts them there, as
`make translations` extracts what `N_` marks. Flask-WTF raises its CSRF refusals as plain
English, so `CatalogCSRF` looks those up too.
"""

from flask_babel import get_translations, gettext
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import Field, Form, ValidationError

from campaign.i18n.languages import N_


class CatalogTranslations:
    """What WTForms asks of a form's translations, answered from our catalog."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # WTForms fills in its own values (`% dict(min=…)`) after the lookup, and
        # flask_babel.ngettext would fill in `num` first, so the lookup alone.
        return get_translations().ungettext(singular, plural, n)


translations = CatalogTranslations()


class CatalogCSRF(_FlaskFormCSRF):
    """Flask-WTF's check of a form's token, its refusal in the page's language."""

    def validate_csrf_token(self, form: Form, field: Field) -> None:
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as refusal:
            raise ValidationError(field.gettext(refusal.args[0])) from None


# The messages of WTForms 3.3 and Flask-WTF 1.3 that a form can show, word for word (a
# changed word is a new msgid; look again after upgrading either). Left out: those that only
# a programming error shows ("Choices cannot be None.") and WTForms' SessionCSRF's, unused.

# A singular and its plural are extracted from a call to N_ with exactly two arguments, and
# pybabel counts a trailing comma as one more: the formatter, which would add one, keeps off.
# fmt: off
_PLURALS = (
    N_("Field must be at least %(min)d character long.",
       "Field must be at least %(min)d characters long."),
    N_("Field cannot be longer than %(max)d character.",
       "Field cannot be longer than %(max)d characters."),
    N_("Field must be exactly %(max)d character long.",
       "Field must be exactly %(max)d characters long."),
    N_("'%(value)s' is not a valid choice for this field.",
       "'%(value)s' are not valid choices for this field."),
)
# fmt: on

LIBRARY_MESSAGES = (
    *_PLURALS,
    # wtforms/validators.py
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    # wtforms/fields
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    # flask_wtf/file.py ({extensions} is filled in with str.format, after the lookup)
    N_("File does not have an approved extension: {extensions}"),
    N_("File does not have an approved extension."),
    # flask_wtf/csrf.py, through CatalogCSRF
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
)
