from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from campaign.accounts.models import Role
from campaign.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, strip


class LoginForm(Form):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class CheckAgainForm(Form):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A plural, so written per request: the catalog's plural forms choose the wording.
        self.new_password.description = ngettext(
            "At least %(num)d character.", "At least %(num)d characters.", MIN_PASSWORD_LENGTH
        )


ROLE_CHOICES = [
    SelectChoice(Role.EDITOR.value, _l("Editor: campaigns and explainers")),
    SelectChoice(Role.ADMIN.value, _l("Admin: everything, including organiser accounts")),
]


class NewOrganiserForm(Form):
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Length(max=MAX_EMAIL_LENGTH),
        ],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.EDITOR.value)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class PeopleAccessForm(Form):
    allowed = BooleanField(_l("May find, export and erase supporters' data (the People page)"))
