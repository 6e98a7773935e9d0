from wtforms import EmailField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

from campaign.accounts.models import Role
from campaign.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, strip


class LoginForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        "New password, again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


ROLE_CHOICES = [
    SelectChoice(Role.EDITOR.value, "Editor: campaigns and explainers"),
    SelectChoice(Role.ADMIN.value, "Admin: everything, including organiser accounts"),
]


class NewOrganiserForm(Form):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[DataRequired(message="Enter an email address."), Length(max=MAX_EMAIL_LENGTH)],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.EDITOR.value)


class RoleForm(Form):
    role = SelectField("Role", choices=ROLE_CHOICES)
