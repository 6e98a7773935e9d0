"""The console's campaign, explainer and link forms: the shape and limits of what organisers
type; the views act on the result."""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from campaign.content.identity import accent_refusal
from campaign.content.models import CampaignStatus
from campaign.form_fields import (
    Form,
    RowForm,
    language_field,
    moment_field,
    slug_field,
    strip,
    title_field,
)
from campaign.images.fields import HERO_DESCRIPTION, image_field


def _slug_field(max_length: int) -> StringField:
    return slug_field(
        "china-cables",
        _l("The last part of the page's address: lowercase letters, digits, hyphens."),
        max_length,
    )


class CampaignForm(RowForm):
    slug = _slug_field(80)
    title = title_field()
    tagline = StringField(
        _l("Tagline"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("One short line under the name, also shown when the hub is shared."),
    )
    summary = TextAreaField(_l("Summary"), filters=[strip], validators=[Optional()])
    language = language_field()
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice(CampaignStatus.DRAFT.value, _l("Draft")),
            SelectChoice(CampaignStatus.LIVE.value, _l("Live")),
            SelectChoice(CampaignStatus.ARCHIVED.value, _l("Archived")),
        ],
        description=_l(
            "Drafts are hidden; archived campaigns stay readable but leave the home page."
        ),
    )
    accent_colour = StringField(
        _l("Accent colour"),
        filters=[strip],
        validators=[Optional()],
        description=_l(
            "Optional: links and buttons in this colour, as # and six hexadecimal digits "
            "(like #8a1c1c). It must be dark enough to read on the page and under white text."
        ),
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    logo_image = image_field(
        _l("Logo"), _l("Shown beside the campaign's name on its pages. SVG works best.")
    )
    hero_image = image_field(_l("Hero image"), HERO_DESCRIPTION)

    def validate_accent_colour(self, field: StringField) -> None:
        if field.data and (refusal := accent_refusal(field.data)):
            raise ValidationError(refusal)


def _local_image_path(form: FlaskForm, field: StringField) -> None:
    # Pages load nothing from other origins, so an image must be one of our static files.
    if field.data and (
        not re.fullmatch(r"/static/[A-Za-z0-9._/-]+", field.data) or ".." in field.data
    ):
        raise ValidationError(
            _(
                "Use the path of an image on this site, starting with /static/ "
                "(images from other websites are not allowed)."
            )
        )


class ExplainerForm(RowForm):
    slug = _slug_field(120)
    title = title_field()
    summary = TextAreaField(_l("Summary"), filters=[strip], validators=[Optional()])
    body = TextAreaField(_l("Body"), validators=[Optional()], description=_l("Markdown."))
    language = language_field()
    image_path = StringField(
        _l("Image"),
        filters=[strip],
        validators=[Optional(), Length(max=300), _local_image_path],
        description=_l("Optional: a path on this site, like /static/demo/ijop-flow.svg."),
    )
    image_alt = StringField(
        _l("Image description"),
        filters=[strip],
        validators=[Length(max=300)],
        description=_l("What the image shows, for people who cannot see it. Needed with an image."),
    )
    hero_image = image_field(_l("Hero image"), HERO_DESCRIPTION)
    translation_of = SelectField(_l("Translation of"), coerce=int, choices=[])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))

    def validate_image_alt(self, field: StringField) -> None:
        if self.image_path.data and not field.data:
            raise ValidationError(_("Describe the image for people who cannot see it."))


class ScheduleForm(Form):
    publish_at = moment_field(
        _l("Publish at"),
        required=_l("Choose when to publish the explainer."),
        description=_l("In UTC. It appears on the site within a minute of this time."),
    )


def _web_address(form: FlaskForm, field: StringField) -> None:
    parts = urlsplit(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", field.data):
        raise ValidationError(_("Enter a web address starting with https:// or http://."))


class LinkForm(Form):
    # Named apart from the explainer form's fields: both forms share the edit page.
    link_title = StringField(
        _l("Link title"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the link's title.")), Length(max=200)],
    )
    link_url = StringField(
        _l("Address"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter the address.")), Length(max=500), _web_address],
        render_kw={"type": "url", "inputmode": "url"},
    )
