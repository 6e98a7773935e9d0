"""Public content views: thin, cached by revision, drafts invisible."""

from datetime import timedelta

from flask import abort, current_app, render_template, send_from_directory

from campaign.caching import cached_page
from campaign.content import queries
from campaign.content.blueprint import bp
from campaign.content.calls_to_action import calls_to_action
from campaign.content.hub_sections import hub_sections
from campaign.content.publishing import translation_group
from campaign.i18n.languages import same_language
from campaign.i18n.site import path_in_every_language

# Browsers ask for /favicon.ico on every site; its address never changes, so caches may keep it
# long, but not forever, or a new icon would never show.
FAVICON_MAX_AGE = int(timedelta(days=30).total_seconds())


@bp.get("/")
@cached_page("content")
def home():
    campaigns = queries.live_campaigns()
    return render_template(
        "content/home.html",
        campaigns=campaigns,
        explainers=queries.latest_explainers(),
        # Open petitions and appeals of every live campaign.
        actions=[action for campaign in campaigns for action in calls_to_action(campaign)],
    )


@bp.get("/c/<slug>")
@cached_page("content")
def campaign_hub(slug: str):
    campaign = queries.public_campaign(slug) or abort(404)
    return render_template(
        "content/campaign.html",
        campaign=campaign,
        explainers=queries.campaign_explainers(campaign),
        sections=hub_sections(campaign),
        actions=calls_to_action(campaign),
    )


@bp.get("/explainers/<slug>")
@cached_page("content")
def explainer(slug: str):
    article = queries.public_explainer(slug) or abort(404)
    translations = translation_group(article, published_only=True)
    # A translation has its own address: the switcher's Uyghur link opens the Uyghur one.
    version_paths = {
        tag: path_in_every_language("content.explainer", slug=version.slug)
        for version in translations
        for tag in current_app.config["LANGUAGES"]
        if same_language(version.language, tag)
    }
    return render_template(
        "content/explainer.html",
        explainer=article,
        campaign=article.campaign,
        translations=translations,
        version_paths=version_paths,
        actions=calls_to_action(article.campaign),
    )


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder, "favicon.ico", max_age=FAVICON_MAX_AGE, conditional=True
    )
