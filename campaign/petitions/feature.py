"""Petitions on the app: pages, console, commands, the tally, retention and the "sign" boxes."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from campaign import signals
from campaign.cli import export_commands
from campaign.i18n.site import serve_in_every_language
from campaign.i18n.translating import Translatable, TranslatedField, translatable
from campaign.petitions import console, views
from campaign.petitions.actions import sign_petitions
from campaign.petitions.cli import petitions, signatures
from campaign.petitions.counting import tally_sweep
from campaign.petitions.models import Petition
from campaign.petitions.retention import retention_sweep

PETITION_WORDS = Translatable(
    kind="petition",
    model=Petition,
    fields=(
        TranslatedField("title", _l("Title"), max_length=200),
        TranslatedField("target", _l("Addressed to"), max_length=300),
        TranslatedField("body", _l("Text (Markdown)"), multiline=True, markdown=True),
        TranslatedField("thank_you_text", _l("Thank-you message"), multiline=True),
    ),
    own_language=lambda petition: petition.campaign.language,
    describe=lambda petition: petition.title,
    console_url=lambda petition: url_for("petitions_console.petition", petition_id=petition.id),
)


def init_app(app: Flask) -> None:
    """Register petitions' pages, console and commands, and connect their hooks."""
    serve_in_every_language(app, views.bp)
    translatable(PETITION_WORDS)
    app.register_blueprint(console.bp, url_prefix="/admin/petitions")
    app.cli.add_command(petitions)
    export_commands.add_command(signatures)
    signals.sweep.connect(tally_sweep, sender=app)
    signals.sweep.connect(retention_sweep, sender=app)
    signals.calls_to_action.connect(sign_petitions, sender=app)
