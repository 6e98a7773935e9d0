"""Outcomes on the app: their console actions, their words translatable like a petition's,
and the word for each kind on public pages."""

from flask import Flask, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from campaign.i18n.translating import Translatable, TranslatedField, translatable
from campaign.outcomes import console
from campaign.outcomes.console_forms import MAX_TEXT
from campaign.outcomes.models import KIND_WORDS, PetitionOutcome

OUTCOME_WORDS = Translatable(
    kind="petition_outcome",
    model=PetitionOutcome,
    fields=(
        TranslatedField(
            "text", _l("In a few words"), max_length=MAX_TEXT, multiline=True, markdown=True
        ),
    ),
    own_language=lambda outcome: outcome.petition.campaign.language,
    describe=lambda outcome: outcome.petition.title,
    console_url=lambda outcome: url_for(
        "petitions_console.petition", petition_id=outcome.petition_id
    ),
)


def outcome_kind_label(kind: str) -> str:
    """What the public calls an outcome's kind, in the page's language."""
    words = KIND_WORDS.get(kind)  # a StrEnum key is found by its value
    return gettext(words) if words else kind


def init_app(app: Flask) -> None:
    """Register outcomes' console actions, their translations and the kind's label."""
    translatable(OUTCOME_WORDS)
    app.register_blueprint(console.bp, url_prefix="/admin/petitions")
    app.jinja_env.globals["outcome_kind_label"] = outcome_kind_label
