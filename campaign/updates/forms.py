"""Console forms for updates: what organisers type, its shape and its limits."""

from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from campaign.addresses import MAX_EMAIL_LENGTH
from campaign.content.models import Campaign
from campaign.countries import country_names
from campaign.form_fields import (
    LANGUAGE_TAG,
    MAX_LANGUAGE_LENGTH,
    NO_LINK,
    Form,
    RowForm,
    UTCTimeField,
    slug_field,
    strip,
    valid_email,
)
from campaign.petitions.models import Petition, PetitionStatus
from campaign.updates.models import AudienceKind

AUDIENCE_CHOICES = [
    SelectChoice(AudienceKind.ALL.value, "All active subscribers"),
    SelectChoice(AudienceKind.CAMPAIGN.value, "Subscribers who joined on a campaign's pages"),
    SelectChoice(AudienceKind.PETITION.value, "Confirmed signers of a petition who opted in"),
    SelectChoice(AudienceKind.DONORS.value, "Donors who opted in"),
]


class UpdateForm(RowForm):
    subject = StringField(
        "Subject",
        filters=[strip],
        validators=[
            DataRequired(message="Enter a subject."),
            Length(max=200, message="Keep the subject under 200 characters."),
        ],
    )
    preheader = StringField(
        "Preheader",
        filters=[strip],
        validators=[Length(max=200, message="Keep the preheader under 200 characters.")],
        description="Optional: the line mail programs show after the subject.",
    )
    slug = slug_field(
        "cables-out",
        "Its address on the site: /updates/ and this. Lowercase, digits, hyphens.",
        too_long="Keep the slug under 120 characters.",
    )
    body = TextAreaField(
        "Text", validators=[DataRequired(message="Write the update.")], description="Markdown."
    )
    campaign = SelectField(
        "Campaign",
        coerce=int,
        choices=[],
        description="Its list name in mail programs, and the hub page it is listed on.",
    )
    cta_petition = SelectField(
        "Call to action",
        coerce=int,
        choices=[],
        description="Optional: a “Sign the petition” button for one of the campaign's petitions.",
    )
    audience_kind = SelectField("Send to", choices=AUDIENCE_CHOICES)
    audience_campaign = SelectField("Which campaign's subscribers", coerce=int, choices=[])
    audience_petition = SelectField("Which petition's signers", coerce=int, choices=[])
    audience_language = StringField(
        "Only subscribers whose language is",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_LANGUAGE_LENGTH),
            Regexp(
                LANGUAGE_TAG,
                message="Use a language code like “en”, “ug” or “zh-Hant”, or leave it empty.",
            ),
        ],
        description="Optional: a language code such as en or ug.",
    )
    audience_country = SelectField(
        "Only people who signed from",
        choices=[],
        description="Optional: narrows to subscribers with a confirmed signature from there.",
    )
    publish_on_site = BooleanField("Publish on the site once it has been sent")

    def __init__(
        self,
        *args,
        campaigns: list[Campaign] = (),
        petitions: list[Petition] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        campaign_choices = [SelectChoice(each.id, each.title) for each in campaigns]
        petition_choices = [
            SelectChoice(each.id, f"{each.title} ({each.campaign.title}, {each.status})")
            for each in petitions
        ]
        self._petitions = {each.id: each for each in petitions}
        self.campaign.choices = [SelectChoice(NO_LINK, "None: the whole site"), *campaign_choices]
        self.cta_petition.choices = [SelectChoice(NO_LINK, "None"), *petition_choices]
        self.audience_campaign.choices = [
            SelectChoice(NO_LINK, "Choose a campaign"),
            *campaign_choices,
        ]
        self.audience_petition.choices = [
            SelectChoice(NO_LINK, "Choose a petition"),
            *petition_choices,
        ]
        self.audience_country.choices = [SelectChoice("", "Any country")] + [
            SelectChoice(code, name) for code, name in country_names().items()
        ]

    def validate_cta_petition(self, field: SelectField) -> None:
        petition = self._petitions.get(field.data)
        if petition is None:  # none chosen, or not a choice (which the select reports)
            return
        if petition.campaign_id != self.campaign.data:
            raise ValidationError(
                "Choose a petition of the update's campaign (or choose that campaign above)."
            )
        if petition.status == PetitionStatus.DRAFT:
            raise ValidationError(
                "This petition is a draft, so readers could not open it; open it first."
            )

    def validate_audience_campaign(self, field: SelectField) -> None:
        if self.audience_kind.data == AudienceKind.CAMPAIGN and field.data == NO_LINK:
            raise ValidationError("Choose whose subscribers the update goes to.")

    def validate_audience_petition(self, field: SelectField) -> None:
        if self.audience_kind.data == AudienceKind.PETITION and field.data == NO_LINK:
            raise ValidationError("Choose which petition's signers the update goes to.")


class TestSendForm(Form):
    email = EmailField(
        "Send a test to",
        validators=[
            DataRequired(message="Enter the address to send the test to."),
            Length(max=MAX_EMAIL_LENGTH, message="That email address is too long."),
            valid_email,
        ],
        description="It goes out now, as subscribers will get it, and counts as nothing sent.",
    )


class ScheduleForm(Form):
    send_at = UTCTimeField(
        "Send at",
        validators=[InputRequired(message="Choose when to send the update.")],
        message="Enter a date and time like 2026-12-31T18:00.",
        dates_alone=False,
        render_kw={},  # minutes are enough to schedule by
        description="In UTC. It goes out within a minute of this time.",
    )
