"""Public content views: thin, cached by revision, drafts invisible."""

from datetime import timedelta

from flask import abort, current_app, render_template, send_from_directory, url_for

from campaign.caching import cached_page
from campaign.content import queries
from campaign.content.blueprint import bp
from campaign.content.calls_to_action import calls_to_action
from campaign.content.hub_sections import hub_sections
from campaign.i18n.languages import same_language
from campaign.i18n.site import current_language, language_versions, path_in_every_language
from campaign.i18n.translating import in_page_language, in_page_language_all

# Browsers ask for /favicon.ico on every site; its address never changes, so caches may keep it
# long, but not forever, or a new icon would never show.
FAVICON_MAX_AGE = int(timedelta(days=30).total_seconds())


@bp.get("/")
@cached_page("content")
def home():
    campaigns = queries.live_campaigns()
    return render_template(
        "content/home.html",
        campaigns=in_page_language_all(campaigns),
        explainers=queries.latest_explainers(current_language()),
        # Open petitions and appeals of every live campaign.
        actions=[action for campaign in campaigns for action in calls_to_action(campaign)],
    )


@bp.get("/c/<slug>")
@cached_page("content")
def campaign_hub(slug: str):
    campaign = queries.public_campaign(slug) or abort(404)
    return render_template(
        "content/campaign.html",
        campaign=in_page_language(campaign),
        explainers=queries.campaign_explainers(campaign, current_language()),
        sections=hub_sections(campaign),
        actions=calls_to_action(campaign),
    )


@bp.get("/explainers/<slug>")
@cached_page("content")
def explainer(slug: str):
    article = queries.public_explainer(slug) or abort(404)
    translations = queries.public_translations(article)
    # Each version written in one of the site's languages: the tag it is served under.
    site_language = {
        version.id: tag
        for version in translations
        for tag in current_app.config["LANGUAGES"]
        if same_language(version.language, tag)
    }
    # A translation has its own address: the switcher's Uyghur link opens the Uyghur one.
    version_paths = {
        tag: path_in_every_language("content.explainer", slug=version.slug)
        for version in translations
        if (tag := site_language.get(version.id))
    }
    # The other versions, each with the interface in its own language where the site has it,
    # else in this page's.
    paths = {version["language"]: version["path"] for version in language_versions(version_paths)}
    other_versions = [
        (
            version,
            paths.get(site_language.get(version.id))
            or url_for("content.explainer", slug=version.slug),
        )
        for version in translations
        if version.id != article.id
    ]
    return render_template(
        "content/explainer.html",
        explainer=article,
        campaign=in_page_language(article.campaign),
        other_versions=other_versions,
        version_paths=version_paths,
        actions=calls_to_action(article.campaign),
    )


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(
        current_app.static_folder, "favicon.ico", max_age=FAVICON_MAX_AGE, conditional=True
    )
