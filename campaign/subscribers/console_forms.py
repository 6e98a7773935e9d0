"""The console's subscriber forms: importing a CSV file, and searching the list."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from campaign.form_fields import Form, any_status_choices, strip
from campaign.subscribers.models import SubscriberStatus
from campaign.subscribers.reports import SubscriberSearch


class ImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[
            FileRequired(message=_l("Choose a CSV file to import.")),
            FileAllowed(["csv"], message=_l("The file must be a .csv file.")),
        ],
        description=_l(
            "Columns: email, consent (yes or no), and optionally name, language, consent_text "
            "and source. Only rows whose consent column says yes are imported."
        ),
    )


STATUS_CHOICES = any_status_choices(SubscriberStatus)


class SearchForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        _l("Email or name contains"), filters=[strip], validators=[Optional(), Length(max=254)]
    )
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])

    def search(self) -> SubscriberSearch:
        """The search the form describes."""
        return SubscriberSearch(text=self.q.data or "", status=self.status.data or "")
