"""The console's People forms: one address in; erasing asks for a tick as well."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Length

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, strip, valid_email


class PersonForm(Form):
    email = EmailField(
        _l("Email address"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the email address to look up.")),
            Length(max=MAX_EMAIL_LENGTH),
            valid_email,
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class EraseForm(PersonForm):
    confirm = BooleanField(
        _l("I understand that erasing cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))],
    )
