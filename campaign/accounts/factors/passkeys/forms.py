from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from campaign.form_fields import Form, strip

MAX_NAME_LENGTH = 100  # SecondFactor.name


class PasskeyNameForm(Form):
    """What the Security page asks before the browser makes a key: what to call it."""

    name = StringField(
        _l("Name"),
        description=_l("To tell your keys apart, such as “blue security key” or “laptop”."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Give the key a name.")),
            Length(max=MAX_NAME_LENGTH),
        ],
        render_kw={"autocomplete": "off"},
    )


class NewPasskeyForm(PasskeyNameForm):
    """The name, with the new key's answer that passkeys.js puts in the hidden field."""

    credential = HiddenField()  # its length and content are the ceremony's to check


class PasskeyAnswerForm(Form):
    """A key's signature of our challenge, at sign-in or before a sensitive action."""

    credential = HiddenField()  # its length and content are the ceremony's to check
