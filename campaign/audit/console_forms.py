"""The audit trail's filter: by organiser, by action, by UTC day."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, ValidationError
from wtforms.validators import Optional

from campaign.audit.reports import EntryFilter
from campaign.form_fields import NO_LINK, Form, coerce_id


class EntryFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    organiser = SelectField(_l("Organiser"), coerce=coerce_id, validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()], description=_l("A day (UTC), included."))
    until = DateField(_l("To"), validators=[Optional()], description=_l("A day (UTC), included."))

    def __init__(self, *args, organisers=(), actions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organiser.choices = [SelectChoice(NO_LINK, _("Any organiser"))] + [
            SelectChoice(user.id, user.email) for user in organisers
        ]
        self.action.choices = [SelectChoice("", _("Any action"))] + [
            SelectChoice(action, action) for action in actions
        ]

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("This day is before the first day: choose a later one."))

    def filter(self) -> EntryFilter:
        """The filter the form describes."""
        return EntryFilter(
            actor_id=self.organiser.data or None,
            action=self.action.data or "",
            since=self.since.data,
            until=self.until.data,
        )
