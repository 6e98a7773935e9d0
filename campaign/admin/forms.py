"""Console forms: the shape and limits of what organisers type; the views act on the result."""

from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Length

from campaign.accounts.models import Role
from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.form_fields import Form, strip

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
