"""The donate form. Like the sign form it carries no CSRF token: the appeal page is public and
sets no cookie; the view checks the post's origin instead."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from campaign.donations.models import Interval
from campaign.form_fields import Form, strip, valid_email
from campaign.subscribers.subscriptions import CAMPAIGN_UPDATES_CONSENT

CONSENT_WORDING = CAMPAIGN_UPDATES_CONSENT


class DonateForm(Form):
    class Meta:
        csrf = False

    # A preset's major amount ("25"), or "other" to use `other_amount`.
    amount = StringField(_l("Amount"))
    other_amount = StringField(
        _l("Other amount"),
        render_kw={"inputmode": "decimal", "autocomplete": "transaction-amount"},
    )
    interval = RadioField(
        _l("How often"),
        choices=[
            SelectChoice(Interval.ONCE.value, _l("Once")),
            SelectChoice(Interval.MONTH.value, _l("Every month")),
        ],
        default=Interval.ONCE.value,
    )
    cover_fees = BooleanField(_l("Add the card fee so all of my gift reaches the campaign"))
    # Shown in the page's language, looked up by the English wording, which is what a donation
    # records (the msgid is marked where the wording is defined).
    subscribe = BooleanField(_l(CONSENT_WORDING))
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )


class TestPaymentForm(Form):
    """What the local test checkout asks, as Stripe Checkout would: where to send the receipt."""

    email = EmailField(
        _l("Email for the receipt"),
        filters=[strip],
        validators=[Optional(), valid_email],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )
