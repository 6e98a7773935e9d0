from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from campaign.form_fields import Form, strip

MAX_CODE_LENGTH = 64  # a recovery code with spaces; anything longer is not a code


def _code_field(label, description, **render_kw) -> StringField:
    return StringField(
        label,
        description=description,
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the code.")),
            Length(max=MAX_CODE_LENGTH, message=_l("That is too long to be a code.")),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "dir": "ltr",
            **render_kw,
        },
    )


class SecondStepForm(Form):
    """A code from an authenticator app, or a recovery code."""

    code = _code_field(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class RecoveryCodeOnlyForm(Form):
    """For an organiser whose factors take no typed code: a recovery code is the way in."""

    code = _code_field(_l("Recovery code"), _l("One of the recovery codes you kept."))


class ConfirmAppForm(Form):
    code = _code_field(
        _l("Code from the app"),
        _l("The app shows a new 6-digit code every 30 seconds; type the one it shows now."),
        inputmode="numeric",
    )
    name = StringField(
        _l("Name (optional)"),
        description=_l("To tell your devices apart, such as “work phone”."),
        filters=[strip],
        validators=[Length(max=100)],
    )
