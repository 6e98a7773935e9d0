"""Console forms for petitions: the shape and limits of what organisers type."""

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from campaign.countries import country_names
from campaign.db import utcnow
from campaign.form_fields import (
    Form,
    RowForm,
    UTCTimeField,
    any_status_choices,
    coerce_id,
    slug_field,
    strip,
    title_field,
)
from campaign.images.fields import HERO_DESCRIPTION, image_field
from campaign.petitions.models import Petition, PetitionStatus, SignatureStatus
from campaign.petitions.moderation import BulkFilter
from campaign.petitions.reports import SignatureSearch

MAX_GOAL = 1_000_000_000
NOT_A_TIME = _l("Enter a date like 2026-12-31, or a date and time like 2026-12-31T18:00.")
IN_THE_PAST = _l("Choose a closing date in the future.")


STATUS_CHOICES = [
    SelectChoice(PetitionStatus.DRAFT.value, _l("Draft: hidden from the public")),
    SelectChoice(PetitionStatus.OPEN.value, _l("Open: public, taking signatures")),
]


class PetitionForm(RowForm):
    campaign = SelectField(_l("Campaign"), coerce=coerce_id, choices=[])
    title = title_field()
    slug = slug_field(
        "free-them-now",
        _l("The petition's address: /petitions/ and this. Lowercase, digits, hyphens."),
        too_long=_l("Keep the slug under 120 characters."),
    )
    target = StringField(
        _l("Addressed to"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say who the petition is addressed to.")),
            Length(max=300, message=_l("Keep this under 300 characters.")),
        ],
        description=_l(
            "Who can make the change, like “The UN High Commissioner for Human Rights”."
        ),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Write what the petition asks for."))],
        description=_l("Markdown."),
    )
    goal = IntegerField(
        _l("Goal"),
        validators=[
            NumberRange(
                min=1,
                max=MAX_GOAL,
                # The largest goal written as the page's language writes numbers.
                message=_l(
                    "The goal must be between 1 and %(most)s.",
                    most=LazyString(format_number, MAX_GOAL),
                ),
            )
        ],
        default=1000,
        invalid_value_message=_l("Enter the goal as a whole number, like 10000."),
        description=_l("Signatures to aim for; once reached, the page shows the next milestone."),
    )
    closes_at = UTCTimeField(
        _l("Closing date (optional)"),
        validators=[Optional()],
        message=NOT_A_TIME,
        end_of_day=True,
        description=_l("In UTC. A date alone means the end of that day (23:59:59 UTC)."),
    )
    ask_postcode = BooleanField(_l("Ask signers for their postcode"))
    thank_you_text = TextAreaField(
        _l("Thank-you text"),
        filters=[strip],
        validators=[Optional(), Length(max=2000)],
        description=_l("Shown to signers once they confirm. Plain text."),
    )
    hero_image = image_field(_l("Hero image"), HERO_DESCRIPTION)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES)

    def __init__(self, *args, petition: Petition | None = None, campaigns=(), **kwargs) -> None:
        super().__init__(*args, obj=petition, **kwargs)
        self._petition = petition
        self.campaign.choices = [SelectChoice(each.id, each.title) for each in campaigns]
        if petition is not None and petition.status == PetitionStatus.CLOSED:
            # A closed petition is reopened with its own button, which checks the closing date.
            del self.status

    def validate_closes_at(self, field: UTCTimeField) -> None:
        if field.data is None or field.data > utcnow():
            return
        saved = self._petition.closes_at if self._petition is not None else None
        opening = (
            "status" in self
            and self.status.data == PetitionStatus.OPEN
            and (self._petition is None or self._petition.status != PetitionStatus.OPEN)
        )
        # A past date already saved may stay (fixing a typo in an ended petition), but it may
        # not be set anew, nor carried into opening a draft.
        if field.data != saved or opening:
            raise ValidationError(IN_THE_PAST)


class ReopenForm(Form):
    closes_at = UTCTimeField(
        _l("New closing date"),
        validators=[Optional()],
        message=NOT_A_TIME,
        end_of_day=True,
        description=_l("In UTC. Needed when the old closing date has passed."),
    )

    def validate_closes_at(self, field: UTCTimeField) -> None:
        if field.data is not None and field.data <= utcnow():
            raise ValidationError(IN_THE_PAST)


SIGNATURE_STATUS_CHOICES = any_status_choices(SignatureStatus)


class SignatureSearchForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    email = StringField(
        _l("Email is or contains"), filters=[strip], validators=[Optional(), Length(max=254)]
    )
    name = StringField(
        _l("Name contains"), filters=[strip], validators=[Optional(), Length(max=100)]
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=SIGNATURE_STATUS_CHOICES, validators=[Optional()])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [SelectChoice("", _("Any country"))] + [
            SelectChoice(code, name) for code, name in country_names().items()
        ]

    def search(self) -> SignatureSearch:
        """The search the form describes."""
        return SignatureSearch(
            email=self.email.data or "",
            name=self.name.data or "",
            country=self.country.data or "",
            status=self.status.data or "",
        )


def _domain(value: str | None) -> str | None:
    return value.strip().lstrip("@").lower() if isinstance(value, str) else value


class BulkInvalidateForm(Form):
    ip_hash = StringField(
        _l("IP hash is"),
        filters=[strip],
        validators=[Optional(), Length(max=64)],
        description=_l("The keyed hash the signature list shows, exactly."),
    )
    email_domain = StringField(
        _l("Email domain is"),
        filters=[_domain],
        validators=[
            Optional(),
            Length(max=253),
            Regexp(
                r"^[^\s@/]+\.[^\s@/.]+$",
                message=_l("Enter a domain like spam.example, without a name before it."),
            ),
        ],
        description=_l("“spam.example” matches every address ending in @spam.example."),
    )
    created_from = UTCTimeField(
        _l("Signed from"),
        validators=[Optional()],
        message=NOT_A_TIME,
        description=_l("In UTC, this moment included."),
    )
    created_before = UTCTimeField(
        _l("Signed before"),
        validators=[Optional()],
        message=NOT_A_TIME,
        description=_l("In UTC, up to this moment."),
    )
    source = StringField(_l("Source is"), filters=[strip], validators=[Optional(), Length(max=100)])
    # The count the organiser saw in the preview; confirming acts only if it still holds.
    expected = HiddenField()
    preview = SubmitField(_l("Preview"))
    confirm = SubmitField(_l("Invalidate"))  # the button, with its count, is in the template

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.filter().is_empty():
            self.form_errors.append(_("Give at least one filter: invalidating needs a narrow aim."))
            return False
        return valid

    def validate_created_before(self, field: UTCTimeField) -> None:
        start = self.created_from.data
        if field.data is not None and start is not None and field.data <= start:
            raise ValidationError(_("Choose a time after “Signed from”."))

    def filter(self) -> BulkFilter:
        """The filter the form describes."""
        return BulkFilter(
            ip_hash=self.ip_hash.data or "",
            email_domain=self.email_domain.data or "",
            created_from=self.created_from.data,
            created_before=self.created_before.data,
            source=self.source.data or "",
        )

    def expected_count(self) -> int | None:
        """The count shown in the preview the organiser confirms, if any."""
        value = self.expected.data or ""
        return int(value) if value.isdigit() else None
