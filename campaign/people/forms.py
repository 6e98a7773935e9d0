"""The supporter's own form: erasing asks them to tick a box first."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from campaign.form_fields import Form


class EraseMyDataForm(Form):
    confirm = BooleanField(
        _l("I understand that erasing my data cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm that you want it erased."))],
    )
