"""Donations on the app: appeal pages, console, `export donations` and the "give" boxes."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from campaign import signals
from campaign.cli import export_commands
from campaign.donations import console, views
from campaign.donations.actions import give
from campaign.donations.cli import donations
from campaign.donations.models import Appeal
from campaign.i18n.site import serve_in_every_language
from campaign.i18n.translating import Translatable, TranslatedField, translatable

APPEAL_WORDS = Translatable(
    kind="appeal",
    model=Appeal,
    fields=(
        TranslatedField("title", _l("Title"), max_length=200),
        TranslatedField("body", _l("Text (Markdown)"), multiline=True, markdown=True),
    ),
    own_language=lambda appeal: appeal.campaign.language,
    describe=lambda appeal: appeal.title,
    console_url=lambda appeal: url_for("donations_console.edit_appeal", appeal_id=appeal.id),
)


def init_app(app: Flask) -> None:
    """Register donations' pages, console and command, and connect their hook."""
    serve_in_every_language(app, views.bp)
    translatable(APPEAL_WORDS)
    app.register_blueprint(console.bp, url_prefix="/admin/donations")
    export_commands.add_command(donations)
    signals.calls_to_action.connect(give, sender=app)
