"""The console's outcome form: what happened, in a few words, and whether to tell signers."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from campaign.form_fields import Form, strip
from campaign.outcomes.models import OutcomeKind

# Short: a paragraph or two on the petition's page and in one email.
MAX_TEXT = 2000


class OutcomeForm(Form):
    kind = SelectField(
        _l("What happened"),
        choices=[
            SelectChoice(OutcomeKind.DELIVERED.value, _l("Delivered to its target")),
            SelectChoice(OutcomeKind.RESPONSE.value, _l("The target responded")),
            SelectChoice(OutcomeKind.VICTORY.value, _l("A victory")),
            SelectChoice(OutcomeKind.CLOSURE.value, _l("Closed")),
        ],
    )
    text = TextAreaField(
        _l("In a few words"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say in a few words what happened.")),
            Length(max=MAX_TEXT, message=_l("Keep it under %(max)d characters.", max=MAX_TEXT)),
        ],
        description=_l("Markdown or plain text. Shown on the petition's page with today's date."),
    )
    tell_signers = BooleanField(
        _l("Email every confirmed signer about it now"),
        description=_l(
            "One email each, opted in to updates or not, in their language where the outcome is "
            "translated. To translate it first, leave this unticked and use “Tell signers” later."
        ),
    )
