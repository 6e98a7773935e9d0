"""Console forms for appeals and donations: the shape and limits of what organisers type."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.donations.editing import (
    MAX_GOAL,
    MAX_PAYMENT,
    CurrencyError,
    read_amount,
    read_currency,
    read_presets,
)
from campaign.donations.models import Appeal, AppealStatus, DonationStatus, Interval
from campaign.donations.money import AmountError, format_money, to_major
from campaign.donations.reports import DonationFilter
from campaign.form_fields import (
    Form,
    RowForm,
    any_status_choices,
    coerce_id,
    slug_field,
    strip,
    title_field,
)
from campaign.images.fields import HERO_DESCRIPTION, image_field

NEW_APPEAL = {
    "currency": "GBP",
    "preset_amounts": "10, 25, 50, 100",
    "minimum_amount": "1",
    "maximum_amount": "10000",
    "allow_monthly": True,
    "status": AppealStatus.DRAFT.value,
}


@dataclass(frozen=True)
class AppealAmounts:
    """The money settings of an appeal, read from the form: minor units of `currency`."""

    currency: str
    presets: list[int]
    minimum: int
    maximum: int
    goal: int | None


STATUS_CHOICES = [
    SelectChoice(AppealStatus.DRAFT.value, _l("Draft: hidden from the public")),
    SelectChoice(AppealStatus.OPEN.value, _l("Open: public, taking donations")),
    SelectChoice(AppealStatus.CLOSED.value, _l("Closed: public, thanks donors, takes no more")),
]


class AppealForm(RowForm):
    campaign = SelectField(_l("Campaign"), coerce=coerce_id, choices=[])
    slug = slug_field(
        "legal-fund",
        _l("The appeal's address: /donate/ and this. Lowercase, digits, hyphens."),
        too_long=_l("Keep the slug under 120 characters."),
    )
    title = title_field()
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Write what the money is for."))],
        description=_l("Markdown."),
    )
    currency = StringField(
        _l("Currency"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a currency code, like GBP, EUR or USD."))],
        description=_l("A three-letter ISO 4217 code, like GBP, EUR or USD."),
        render_kw={"maxlength": 3, "size": 4},
    )
    preset_amounts = StringField(
        _l("Preset amounts (optional)"),
        filters=[strip],
        description=_l(
            "In pounds, euros, dollars… (not pence or cents), separated by commas, like "
            "“10, 25, 50, 100”, without thousands separators. Donors can always give another "
            "amount."
        ),
    )
    minimum_amount = StringField(
        _l("Smallest gift"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the smallest gift, like 1 or 2.50."))],
        render_kw={"inputmode": "decimal"},
    )
    maximum_amount = StringField(
        _l("Largest gift"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the largest gift, like 10000."))],
        render_kw={"inputmode": "decimal"},
    )
    goal = StringField(
        _l("Goal (optional)"),
        filters=[strip],
        description=_l("The amount the thermometer climbs toward."),
        render_kw={"inputmode": "decimal"},
    )
    allow_monthly = BooleanField(_l("Offer monthly giving"))
    external_url = StringField(
        _l("Partner's donation page (optional)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500, message=_l("Keep the address under 500 characters.")),
        ],
        description=_l(
            "An https:// address. When set, the appeal explains and links out to the partner "
            "(clicks are counted) and takes no donations here: currency, amounts and monthly "
            "giving are then not used."
        ),
    )
    hero_image = image_field(_l("Hero image"), HERO_DESCRIPTION)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)

    def __init__(self, *args, appeal: Appeal | None = None, campaigns=(), **kwargs) -> None:
        kwargs.setdefault("data", amounts_as_typed(appeal) if appeal is not None else NEW_APPEAL)
        super().__init__(*args, obj=appeal, **kwargs)
        self.campaign.choices = [SelectChoice(each.id, each.title) for each in campaigns]
        self._amounts: AppealAmounts | None = None

    def validate_external_url(self, field: StringField) -> None:
        parts = urlsplit(field.data)
        if parts.scheme.lower() == "http":
            raise ValidationError(_("Use the https:// address: donors must not leave unencrypted."))
        if parts.scheme.lower() != "https" or not parts.hostname or " " in field.data:
            raise ValidationError(_("Enter the full address, like https://partner.example/donate."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # The amounts are read in the currency typed, so they are checked together here.
        return self._read_amounts() and valid

    def _read_amounts(self) -> bool:
        try:
            currency = read_currency(self.currency.data)
        except CurrencyError as error:
            if self.currency.data:  # an empty one already has its own message
                self.currency.errors.append(str(error))
            currency = ""  # still check how the amounts are written, as with two decimals
        minimum = self._amount(self.minimum_amount, currency)
        maximum = self._amount(self.maximum_amount, currency)
        if minimum is not None and maximum is not None and minimum > maximum:
            self.maximum_amount.errors.append(_("The largest gift cannot be below the smallest."))
        goal = self._amount(self.goal, currency, MAX_GOAL)
        presets = self._presets(currency)
        if currency and minimum is not None and maximum is not None and minimum <= maximum:
            self._presets_within(presets, currency, minimum, maximum)
        if self.errors:
            return False
        self._amounts = AppealAmounts(currency, presets, minimum, maximum, goal)
        return True

    def _amount(self, field: StringField, currency: str, largest: int = MAX_PAYMENT) -> int | None:
        if not field.data or field.errors:
            return None
        try:
            return read_amount(field.data, currency, largest)
        except AmountError as error:
            field.errors.append(error.message)
            return None

    def _presets(self, currency: str) -> list[int]:
        try:
            return read_presets(self.preset_amounts.data, currency)
        except AmountError as error:
            self.preset_amounts.errors.append(error.message)
            return []

    def _presets_within(self, presets: list[int], currency: str, low: int, high: int) -> None:
        for amount in presets:
            if not low <= amount <= high:
                self.preset_amounts.errors.append(
                    _(
                        "“%(typed)s” is outside the gifts allowed (%(smallest)s to %(largest)s).",
                        typed=to_major(amount, currency),
                        smallest=format_money(low, currency),
                        largest=format_money(high, currency),
                    )
                )

    def amounts(self) -> AppealAmounts:
        """The money settings, once the form is valid."""
        if self._amounts is None:
            raise RuntimeError("amounts() needs a valid form")
        return self._amounts


def amounts_as_typed(appeal: Appeal) -> dict:
    """An appeal's money fields as the form shows them: major units, the currency in capitals."""
    currency = appeal.currency
    return {
        "currency": currency.upper(),
        "preset_amounts": ", ".join(to_major(each, currency) for each in appeal.preset_amounts),
        "minimum_amount": to_major(appeal.minimum_amount, currency),
        "maximum_amount": to_major(appeal.maximum_amount, currency),
        "goal": to_major(appeal.goal, currency) if appeal.goal else "",
    }


DONATION_STATUS_CHOICES = any_status_choices(DonationStatus)
INTERVAL_CHOICES = [
    SelectChoice("", _l("Once or monthly")),
    SelectChoice(Interval.ONCE.value, _l("Once")),
    SelectChoice(Interval.MONTH.value, _l("Monthly")),
]


class DonationFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    appeal = SelectField(_l("Appeal"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=DONATION_STATUS_CHOICES, validators=[Optional()])
    interval = SelectField(_l("How often"), choices=INTERVAL_CHOICES, validators=[Optional()])

    def __init__(self, *args, appeals=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.appeal.choices = [SelectChoice("", _("Every appeal"))] + [
            SelectChoice(str(each.id), each.title) for each in appeals
        ]

    def filter(self) -> DonationFilter:
        """The filter the form describes."""
        appeal = self.appeal.data or ""
        return DonationFilter(
            appeal_id=int(appeal) if appeal.isdigit() else None,
            status=self.status.data or "",
            interval=self.interval.data or "",
        )
