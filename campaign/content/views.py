"""Public content views: thin, cached by revision, drafts invisible."""

from flask import abort, render_template

from campaign.caching import cached_page
from campaign.content import bp, queries
from campaign.content.calls_to_action import calls_to_action
from campaign.content.hub_sections import hub_sections
from campaign.content.publishing import translation_group


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
    return render_template(
        "content/explainer.html",
        explainer=article,
        campaign=article.campaign,
        translations=translation_group(article, published_only=True),
        actions=calls_to_action(article.campaign),
    )
