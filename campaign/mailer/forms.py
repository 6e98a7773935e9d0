"""Console forms of the mail pipeline."""

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length, ValidationError

from campaign.addresses import MAX_EMAIL_LENGTH, InvalidEmail, checked_email


def _valid_email(form: FlaskForm, field: EmailField) -> None:
    try:
        field.data = checked_email(field.data)
    except InvalidEmail as error:
        raise ValidationError(str(error)) from None


class TestMessageForm(FlaskForm):
    email = EmailField(
        "Send a test message to",
        validators=[
            DataRequired(message="Enter the address to send the test message to."),
            Length(max=MAX_EMAIL_LENGTH, message="That email address is too long."),
            _valid_email,
        ],
    )
