"""Console pages for campaigns: list, create, edit, and one campaign with its explainers."""

from flask import flash, redirect, render_template, url_for

from campaign.admin import queries
from campaign.admin.blueprint import bp
from campaign.admin.forms import CampaignForm
from campaign.content.models import Campaign
from campaign.content.publishing import slug_is_free
from campaign.extensions import db

SLUG_TAKEN = "Another campaign already uses this slug; choose another."


@bp.get("/campaigns")
def campaigns():
    return render_template("admin/campaigns.html", campaigns=queries.campaigns_with_counts())


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        explainers=queries.explainers_in_order(campaign),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new_campaign():
    form = CampaignForm(language="en")
    if form.validate_on_submit():
        if not slug_is_free(Campaign, form.slug.data):
            form.slug.errors.append(SLUG_TAKEN)
        else:
            campaign = Campaign()
            _apply(form, campaign)
            db.session.add(campaign)
            db.session.commit()
            flash(f"Campaign “{campaign.title}” created.", "success")
            return redirect(url_for("admin.campaign", campaign_id=campaign.id), 303)
    return _form_page(form, None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign)
    if form.validate_on_submit():
        if not slug_is_free(Campaign, form.slug.data, keep=campaign):
            form.slug.errors.append(SLUG_TAKEN)
        else:
            _apply(form, campaign)
            db.session.commit()
            flash("Campaign saved.", "success")
            return redirect(url_for("admin.campaign", campaign_id=campaign.id), 303)
    return _form_page(form, campaign)


def _apply(form: CampaignForm, campaign: Campaign) -> None:
    campaign.slug = form.slug.data
    campaign.title = form.title.data
    campaign.summary = form.summary.data or ""
    campaign.language = form.language.data
    campaign.status = form.status.data


def _form_page(form: CampaignForm, campaign: Campaign | None):
    status = 400 if form.errors else 200
    return render_template("admin/campaign_form.html", form=form, campaign=campaign), status
