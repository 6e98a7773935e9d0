"""The console's campaign and explainer pages under /admin: campaigns, and their explainers
written with a preview, ordered, published, translated and linked."""

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from wtforms import SelectChoice

from campaign.admin.helpers import check_slug
from campaign.audit.publication import record_status_change
from campaign.audit.trail import record
from campaign.content import reports
from campaign.content.blueprint import console_bp as bp
from campaign.content.forms import CampaignForm, ExplainerForm, LinkForm, ScheduleForm
from campaign.content.models import Campaign, Explainer, LearnMoreLink
from campaign.content.publishing import (
    ContentError,
    add_link,
    move_explainer,
    move_link,
    new_explainer,
    publish,
    remove_link,
    schedule,
    set_translation_of,
    unpublish,
    unschedule,
)
from campaign.content.rendering import render_markdown
from campaign.extensions import db
from campaign.form_fields import NO_LINK
from campaign.security import is_local_path

DIRECTIONS = {"up": -1, "down": 1}


# --- campaigns ----------------------------------------------------------------------------


@bp.get("/campaigns")
def campaigns():
    campaigns = reports.campaigns_with_counts()
    return render_template("content/console/campaigns.html", campaigns=campaigns)


@bp.get("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    return render_template(
        "content/console/campaign.html",
        campaign=campaign,
        explainers=reports.explainers_in_order(campaign),
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
def new_campaign():
    form = CampaignForm(language="en")
    if form.validate_on_submit() and check_slug(form.slug, Campaign, "campaign"):
        campaign = Campaign()
        _apply_campaign(form, campaign)
        db.session.add(campaign)
        db.session.flush()
        record_status_change("campaign", campaign.id, None, campaign.status)
        db.session.commit()
        flash(_("Campaign “%(title)s” created.", title=campaign.title), "success")
        return _to_campaign(campaign.id)
    return _campaign_form_page(form, None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit_campaign(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign)
    if form.validate_on_submit() and check_slug(form.slug, Campaign, "campaign", keep=campaign):
        before = campaign.status
        _apply_campaign(form, campaign)
        record_status_change("campaign", campaign.id, before, campaign.status)
        db.session.commit()
        flash(_("Campaign saved."), "success")
        return _to_campaign(campaign.id)
    return _campaign_form_page(form, campaign)


def _apply_campaign(form: CampaignForm, campaign: Campaign) -> None:
    campaign.slug = form.slug.data
    campaign.title = form.title.data
    campaign.summary = form.summary.data or ""
    campaign.language = form.language.data
    campaign.status = form.status.data
    campaign.tagline = form.tagline.data or ""
    campaign.accent_colour = (form.accent_colour.data or "").lower() or None
    campaign.logo_image_id = form.logo_image.data or None
    campaign.hero_image_id = form.hero_image.data or None


def _campaign_form_page(form: CampaignForm, campaign: Campaign | None):
    page = render_template("content/console/campaign_form.html", form=form, campaign=campaign)
    return page, 400 if form.errors else 200


def _to_campaign(campaign_id: int):
    return redirect(url_for("content_console.campaign", campaign_id=campaign_id), 303)


# --- explainers ---------------------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/explainers/new", methods=["GET", "POST"])
def new_explainer_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _explainer_form(None, data={"language": campaign.language})
    if form.is_submitted() and form.preview.data:
        return _explainer_form_page(form, campaign, None, preview=render_markdown(form.body.data))
    if form.validate_on_submit() and check_slug(form.slug, Explainer, "explainer"):
        explainer = new_explainer(campaign)
        _apply_explainer(form, explainer)
        db.session.flush()  # the translation check needs the new row's id
        if _link_translation(form, explainer):
            db.session.commit()
            flash(_("Draft “%(title)s” created.", title=explainer.title), "success")
            return _to_explainer(explainer)
    return _explainer_form_page(form, campaign, None)


@bp.route("/explainers/<int:explainer_id>/edit", methods=["GET", "POST"])
def edit_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    form = _explainer_form(explainer)
    if form.is_submitted() and form.preview.data:
        # Rendered from the form alone: assigning the body would mark the explainer changed.
        preview = render_markdown(form.body.data)
        return _explainer_form_page(form, explainer.campaign, explainer, preview=preview)
    if form.validate_on_submit() and check_slug(form.slug, Explainer, "explainer", keep=explainer):
        _apply_explainer(form, explainer)
        if _link_translation(form, explainer):
            db.session.commit()
            flash(_("Explainer saved."), "success")
            return _to_explainer(explainer)
    return _explainer_form_page(form, explainer.campaign, explainer)


@bp.post("/explainers/<int:explainer_id>/publish")
def publish_explainer(explainer_id: int):
    return _change_publication(
        explainer_id, publish, lambda title: _("“%(title)s” is published.", title=title)
    )


@bp.post("/explainers/<int:explainer_id>/unpublish")
def unpublish_explainer(explainer_id: int):
    return _change_publication(
        explainer_id,
        unpublish,
        lambda title: _("“%(title)s” is a draft again, hidden from the public.", title=title),
    )


@bp.post("/explainers/<int:explainer_id>/schedule")
def schedule_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    schedule_form = ScheduleForm()
    if schedule_form.validate():
        try:
            schedule(explainer, schedule_form.publish_at.data)
        except ContentError as error:
            db.session.rollback()
            schedule_form.publish_at.errors.append(str(error))
        else:
            record(
                "schedule explainer",
                object_kind="explainer",
                object_id=explainer.id,
                detail=f"publish at {explainer.publish_at.isoformat()}",
            )
            db.session.commit()
            moment = format_datetime(explainer.publish_at, "long")
            title = explainer.title
            message = _("“%(title)s” will be published on %(moment)s.", title=title, moment=moment)
            flash(message, "success")
            return _to_explainer(explainer)
    form = _explainer_form(explainer, formdata=None)
    return _explainer_form_page(form, explainer.campaign, explainer, schedule_form=schedule_form)


@bp.post("/explainers/<int:explainer_id>/unschedule")
def unschedule_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    try:
        unschedule(explainer)
    except ContentError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        record("unschedule explainer", object_kind="explainer", object_id=explainer.id)
        db.session.commit()
        title = explainer.title
        flash(_("“%(title)s” is a draft again: it will not be published.", title=title), "success")
    return _to_explainer(explainer)


@bp.post("/explainers/<int:explainer_id>/move")
def move_explainer_page(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    move_explainer(explainer, _direction())
    db.session.commit()
    return _to_campaign(explainer.campaign_id)


@bp.post("/explainers/<int:explainer_id>/links")
def add_link_page(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    link_form = LinkForm()
    if link_form.validate():
        add_link(explainer, link_form.link_title.data, link_form.link_url.data)
        db.session.commit()
        flash(_("Link added."), "success")
        return _to_explainer(explainer, "#links")
    # The explainer form shows what is saved, not this request's (absent) fields.
    form = _explainer_form(explainer, formdata=None)
    return _explainer_form_page(form, explainer.campaign, explainer, link_form=link_form)


@bp.post("/explainers/<int:explainer_id>/links/<int:link_id>/move")
def move_link_page(explainer_id: int, link_id: int):
    link = _link_or_404(explainer_id, link_id)
    move_link(link, _direction())
    db.session.commit()
    return _to_explainer(link.explainer, "#links")


@bp.post("/explainers/<int:explainer_id>/links/<int:link_id>/remove")
def remove_link_page(explainer_id: int, link_id: int):
    link = _link_or_404(explainer_id, link_id)
    explainer = link.explainer
    remove_link(link)
    db.session.commit()
    flash(_("Link removed."), "success")
    return _to_explainer(explainer, "#links")


def _explainer_form(explainer: Explainer | None, **kwargs) -> ExplainerForm:
    form = ExplainerForm(obj=explainer, **kwargs)
    form.translation_of.choices = [SelectChoice(NO_LINK, _("None: this is an original"))] + [
        SelectChoice(
            other.id,
            _("%(title)s (%(language)s)", title=other.title, language=other.language),
            optgroup=other.campaign.title,
        )
        for other in reports.translation_candidates(explainer)
    ]
    return form


def _apply_explainer(form: ExplainerForm, explainer: Explainer) -> None:
    explainer.slug = form.slug.data
    explainer.title = form.title.data
    explainer.summary = form.summary.data or ""
    explainer.body = form.body.data or ""
    explainer.language = form.language.data
    explainer.image_path = form.image_path.data or None
    explainer.image_alt = form.image_alt.data if explainer.image_path else ""
    explainer.hero_image_id = form.hero_image.data or None


def _link_translation(form: ExplainerForm, explainer: Explainer) -> bool:
    """Set "translation of"; on a refusal, undo the whole save and show why beside the field."""
    original = None
    if form.translation_of.data != NO_LINK:
        original = db.session.get(Explainer, form.translation_of.data)
    try:
        set_translation_of(explainer, original)
    except ContentError as error:
        db.session.rollback()
        form.translation_of.errors.append(str(error))
        return False
    return True


def _explainer_form_page(
    form: ExplainerForm,
    campaign: Campaign,
    explainer: Explainer | None,
    preview: str | None = None,
    link_form: LinkForm | None = None,
    schedule_form: ScheduleForm | None = None,
):
    page = render_template(
        "content/console/explainer_form.html",
        form=form,
        campaign=campaign,
        explainer=explainer,
        preview=preview,
        link_form=link_form or LinkForm(formdata=None),
        schedule_form=schedule_form or ScheduleForm(formdata=None, obj=explainer),
    )
    failed = (
        form.errors
        or (link_form is not None and link_form.errors)
        or (schedule_form is not None and schedule_form.errors)
    )
    return page, 400 if failed else 200


def _direction() -> int:
    direction = DIRECTIONS.get(request.form.get("direction", ""))
    if direction is None:
        abort(400)
    return direction


def _link_or_404(explainer_id: int, link_id: int) -> LearnMoreLink:
    link = db.get_or_404(LearnMoreLink, link_id)
    if link.explainer_id != explainer_id:
        abort(404)
    return link


def _change_publication(
    explainer_id: int, change: Callable[[Explainer], None], done: Callable[[str], str]
):
    explainer = db.get_or_404(Explainer, explainer_id)
    before = explainer.status
    change(explainer)
    record_status_change("explainer", explainer.id, before, explainer.status)
    db.session.commit()
    flash(done(explainer.title), "success")
    # Publishing buttons sit on the campaign page and on the edit page; go back to either.
    target = request.form.get("next")
    if not is_local_path(target):
        target = url_for("content_console.campaign", campaign_id=explainer.campaign_id)
    return redirect(target, 303)


def _to_explainer(explainer: Explainer, part: str = ""):
    url = url_for("content_console.edit_explainer", explainer_id=explainer.id)
    return redirect(url + part, 303)
