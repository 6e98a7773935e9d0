"""Console forms of the mail pipeline."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, valid_email


class TestMessageForm(Form):
    email = EmailField(
        _l("Send a test message to"),
        validators=[
            DataRequired(message=_l("Enter the address to send the test message to.")),
            Length(max=MAX_EMAIL_LENGTH, message=_l("That email address is too long.")),
            valid_email,
        ],
    )
