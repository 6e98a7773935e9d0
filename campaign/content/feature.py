"""Content on the app: the home page, campaign hubs and explainers, and their console."""

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from campaign import signals
from campaign.content import console, theme, views
from campaign.content.models import Campaign
from campaign.content.publishing import publish_due_explainers_sweep
from campaign.i18n.site import serve_in_every_language
from campaign.i18n.translating import Translatable, TranslatedField, translatable

CAMPAIGN_WORDS = Translatable(
    kind="campaign",
    model=Campaign,
    fields=(
        TranslatedField("title", _l("Title"), max_length=200),
        TranslatedField("tagline", _l("Tagline"), max_length=200),
        TranslatedField("summary", _l("Summary"), multiline=True),
    ),
    own_language=lambda campaign: campaign.language,
    describe=lambda campaign: campaign.title,
    console_url=lambda campaign: url_for("content_console.campaign", campaign_id=campaign.id),
)


def init_app(app: Flask) -> None:
    """Register content's pages, its console (campaigns, explainers) and the sweep that
    publishes scheduled explainers."""
    serve_in_every_language(app, views.bp)
    app.register_blueprint(theme.bp)
    translatable(CAMPAIGN_WORDS)
    signals.sweep.connect(publish_due_explainers_sweep, sender=app)
    app.register_blueprint(console.bp, url_prefix="/admin")
