"""Console forms for updates: what organisers type, its shape and its limits."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
    moment_field,
    slug_field,
    strip,
    valid_email,
)
from campaign.i18n.languages import language_name
from campaign.petitions.models import Petition, PetitionStatus
from campaign.updates.models import AudienceKind

AUDIENCE_CHOICES = [
    SelectChoice(AudienceKind.ALL.value, _l("All active subscribers")),
    SelectChoice(AudienceKind.CAMPAIGN.value, _l("Subscribers who joined on a campaign's pages")),
    SelectChoice(AudienceKind.PETITION.value, _l("Confirmed signers of a petition who opted in")),
    SelectChoice(AudienceKind.DONORS.value, _l("Donors who opted in")),
]

# The fields that narrow only one kind of audience, and that kind; the others narrow any.
AUDIENCE_FIELDS = {
    "audience_campaign": AudienceKind.CAMPAIGN,
    "audience_petition": AudienceKind.PETITION,
}


def language_choice(tag: str) -> SelectChoice:
    """A language as a select offers it: its own name, and its code for the unsure."""
    return SelectChoice(tag, f"{language_name(tag)} ({tag})")


class VersionForm(RowForm):
    """What every version of an update has, the original and each translation."""

    subject = StringField(
        _l("Subject"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a subject.")),
            Length(max=200, message=_l("Keep the subject under 200 characters.")),
        ],
    )
    preheader = StringField(
        _l("Preheader"),
        filters=[strip],
        validators=[Length(max=200, message=_l("Keep the preheader under 200 characters."))],
        description=_l("Optional: the line mail programs show after the subject."),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(message=_l("Write the update."))],
        description=_l("Markdown."),
    )


class UpdateForm(VersionForm):
    slug = slug_field(
        "cables-out",
        _l("Its address on the site: /updates/ and this. Lowercase, digits, hyphens."),
        too_long=_l("Keep the slug under 120 characters."),
    )
    language = SelectField(
        _l("Written in"),
        choices=[],
        description=_l(
            "The language of the subject, preheader and text. Translations into other "
            "languages are added on the update's page once it is saved."
        ),
    )
    campaign = SelectField(
        _l("Campaign"),
        coerce=int,
        choices=[],
        description=_l("Its list name in mail programs, and the hub page it is listed on."),
    )
    cta_petition = SelectField(
        _l("Call to action"),
        coerce=int,
        choices=[],
        description=_l(
            "Optional: a “Sign the petition” button for one of the campaign's petitions."
        ),
    )
    audience_kind = SelectField(_l("Send to"), choices=AUDIENCE_CHOICES)
    audience_campaign = SelectField(
        _l("Which campaign's subscribers"),
        coerce=int,
        choices=[],
        description=_l(
            "Only for Send to “Subscribers who joined on a campaign's pages”; ignored otherwise."
        ),
    )
    audience_petition = SelectField(
        _l("Which petition's signers"),
        coerce=int,
        choices=[],
        description=_l(
            "Only for Send to “Confirmed signers of a petition who opted in”; ignored otherwise."
        ),
    )
    audience_language = StringField(
        _l("Only subscribers whose language is"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_LANGUAGE_LENGTH),
            Regexp(
                LANGUAGE_TAG,
                message=_l("Use a language code like “en”, “ug” or “zh-Hant”, or leave it empty."),
            ),
        ],
        description=_l("Optional: a language code such as en or ug."),
    )
    audience_country = SelectField(
        _l("Only people who signed from"),
        choices=[],
        description=_l("Optional: narrows to subscribers with a confirmed signature from there."),
    )
    publish_on_site = BooleanField(_l("Publish on the site once it has been sent"))

    def __init__(
        self,
        *args,
        campaigns: list[Campaign] = (),
        petitions: list[Petition] = (),
        languages: list[str] = (),
        translated: list[str] = (),
        **kwargs,
    ) -> None:
        """`languages`: those the original may be in; `translated`: those of its translations."""
        super().__init__(*args, **kwargs)
        campaign_choices = [SelectChoice(each.id, each.title) for each in campaigns]
        petition_choices = [
            SelectChoice(each.id, f"{each.title} ({each.campaign.title}, {each.status})")
            for each in petitions
        ]
        self._petitions = {each.id: each for each in petitions}
        self._translated = set(translated)
        self.campaign.choices = [
            SelectChoice(NO_LINK, _("None: the whole site")),
            *campaign_choices,
        ]
        self.cta_petition.choices = [SelectChoice(NO_LINK, _("None")), *petition_choices]
        self.audience_campaign.choices = [
            SelectChoice(NO_LINK, _("Choose a campaign")),
            *campaign_choices,
        ]
        self.audience_petition.choices = [
            SelectChoice(NO_LINK, _("Choose a petition")),
            *petition_choices,
        ]
        self.audience_country.choices = [SelectChoice("", _("Any country"))] + [
            SelectChoice(code, name) for code, name in country_names().items()
        ]
        # An update saved in a language the site no longer offers keeps it until changed.
        offered = list(dict.fromkeys([*languages, *filter(None, [self.language.data])]))
        self.language.choices = [language_choice(tag) for tag in offered]

    def validate(self, extra_validators=None) -> bool:
        """Validate, once the audience fields of another "Send to" are dropped: the editor
        hides them, so a value left in one must not narrow (or refuse) this audience."""
        for name, kind in AUDIENCE_FIELDS.items():
            if self.audience_kind.data != kind:
                self[name].data, self[name].process_errors = NO_LINK, []
        return super().validate(extra_validators)

    def validate_language(self, field: SelectField) -> None:
        if field.data in self._translated:
            raise ValidationError(
                _(
                    "This update has a translation in %(language)s: remove it first, or keep "
                    "the original in its language.",
                    language=language_name(field.data),
                )
            )

    def validate_cta_petition(self, field: SelectField) -> None:
        petition = self._petitions.get(field.data)
        if petition is None:  # none chosen, or not a choice (which the select reports)
            return
        if petition.campaign_id != self.campaign.data:
            raise ValidationError(
                _("Choose a petition of the update's campaign (or choose that campaign above).")
            )
        if petition.status == PetitionStatus.DRAFT:
            raise ValidationError(
                _("This petition is a draft, so readers could not open it; open it first.")
            )

    def validate_audience_campaign(self, field: SelectField) -> None:
        if self.audience_kind.data == AudienceKind.CAMPAIGN and field.data == NO_LINK:
            raise ValidationError(_("Choose whose subscribers the update goes to."))

    def validate_audience_petition(self, field: SelectField) -> None:
        if self.audience_kind.data == AudienceKind.PETITION and field.data == NO_LINK:
            raise ValidationError(_("Choose which petition's signers the update goes to."))


class TranslationForm(VersionForm):
    """An update's version in one more language: one per language, none in the original's."""

    # Only the free languages are offered; one taken meanwhile (another tab, another organiser)
    # is refused below with its reason rather than as "not a valid choice".
    language = SelectField(_l("Language"), choices=[], validate_choice=False)

    def __init__(
        self,
        *args,
        languages: list[str] = (),
        original: str = "",
        taken: list[str] = (),
        **kwargs,
    ) -> None:
        """`languages`: those offered; `original`: the original's; `taken`: those of the
        update's other translations."""
        super().__init__(*args, **kwargs)
        self._original = original
        self._taken = set(taken)
        self._offered = set(languages)
        self.language.choices = [language_choice(tag) for tag in languages]

    def validate_language(self, field: SelectField) -> None:
        name = language_name(field.data or "")
        if field.data not in self._offered | self._taken | {self._original}:
            raise ValidationError(_("Choose one of the site's languages."))
        if field.data == self._original:
            raise ValidationError(
                _(
                    "The original is in %(language)s: a translation is in another language.",
                    language=name,
                )
            )
        if field.data in self._taken:
            raise ValidationError(
                _(
                    "This update has a version in %(language)s already: edit that one instead.",
                    language=name,
                )
            )


class TestSendForm(Form):
    email = EmailField(
        _l("Send a test to"),
        validators=[
            DataRequired(message=_l("Enter the address to send the test to.")),
            Length(max=MAX_EMAIL_LENGTH, message=_l("That email address is too long.")),
            valid_email,
        ],
        description=_l("It goes out now, as subscribers will get it, and counts as nothing sent."),
    )
    version = SelectField(_l("Version"), choices=[])

    def __init__(self, *args, versions: list[SelectChoice] = (), **kwargs) -> None:
        """`versions`: the update's, by language; pass `version=` the original's language, the
        one a form posted without a choice tests."""
        super().__init__(*args, **kwargs)
        self.version.choices = list(versions)


class ScheduleForm(Form):
    send_at = moment_field(
        _l("Send at"),
        required=_l("Choose when to send the update."),
        description=_l("In UTC. It goes out within a minute of this time."),
    )
