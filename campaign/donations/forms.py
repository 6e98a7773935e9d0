"""The donate form. Like the sign form it carries no CSRF token: the appeal page is public and
sets no cookie; the view checks the post's origin instead."""

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
    amount = StringField("Amount")
    other_amount = StringField(
        "Other amount", render_kw={"inputmode": "decimal", "autocomplete": "transaction-amount"}
    )
    interval = RadioField(
        "How often",
        choices=[
            SelectChoice(Interval.ONCE.value, "Once"),
            SelectChoice(Interval.MONTH.value, "Every month"),
        ],
        default=Interval.ONCE.value,
    )
    cover_fees = BooleanField("Add the card fee so all of my gift reaches the campaign")
    subscribe = BooleanField(CONSENT_WORDING)
    website = StringField(
        "Leave this field empty", render_kw={"autocomplete": "off", "tabindex": "-1"}
    )


class TestPaymentForm(Form):
    """What the local test checkout asks, as Stripe Checkout would: where to send the receipt."""

    email = EmailField(
        "Email for the receipt",
        filters=[strip],
        validators=[Optional(), valid_email],
        render_kw={"autocomplete": "email", "maxlength": 254},
    )
    name = StringField(
        "Name",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )
