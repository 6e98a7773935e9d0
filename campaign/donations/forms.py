"""The donate form. Like the sign form it carries no CSRF token: the appeal page is public and
sets no cookie; the view checks the post's origin instead."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from campaign.audience.subscriptions import CAMPAIGN_UPDATES_CONSENT
from campaign.donations.models import Interval

CONSENT_WORDING = CAMPAIGN_UPDATES_CONSENT


class DonateForm(FlaskForm):
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
