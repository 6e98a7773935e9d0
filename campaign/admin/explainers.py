"""Console pages for explainers: write with a preview, order, publish, translate, link."""

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from campaign.admin import queries
from campaign.admin.blueprint import bp
from campaign.admin.forms import ExplainerForm, LinkForm
from campaign.content.models import Campaign, Explainer, LearnMoreLink
from campaign.content.publishing import (
    ContentError,
    add_link,
    move_explainer,
    move_link,
    new_explainer,
    publish,
    remove_link,
    set_translation_of,
    slug_is_free,
    unpublish,
)
from campaign.content.rendering import render_markdown
from campaign.extensions import db
from campaign.form_fields import NO_LINK
from campaign.security import is_local_path

SLUG_TAKEN = "Another explainer already uses this slug; choose another."
DIRECTIONS = {"up": -1, "down": 1}


@bp.route("/campaigns/<int:campaign_id>/explainers/new", methods=["GET", "POST"])
def new_explainer_page(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _explainer_form(None, data={"language": campaign.language})
    if form.is_submitted() and form.preview.data:
        return _form_page(form, campaign, None, preview=render_markdown(form.body.data))
    if form.validate_on_submit():
        if not slug_is_free(Explainer, form.slug.data):
            form.slug.errors.append(SLUG_TAKEN)
        else:
            explainer = new_explainer(campaign)
            _apply(form, explainer)
            db.session.flush()  # the translation check needs the new row's id
            if _link_translation(form, explainer):
                db.session.commit()
                flash(f"Draft “{explainer.title}” created.", "success")
                return redirect(url_for("admin.edit_explainer", explainer_id=explainer.id), 303)
    return _form_page(form, campaign, None)


@bp.route("/explainers/<int:explainer_id>/edit", methods=["GET", "POST"])
def edit_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    form = _explainer_form(explainer)
    if form.is_submitted() and form.preview.data:
        # Rendered from the form alone: assigning the body would mark the explainer changed.
        preview = render_markdown(form.body.data)
        return _form_page(form, explainer.campaign, explainer, preview=preview)
    if form.validate_on_submit():
        if not slug_is_free(Explainer, form.slug.data, keep=explainer):
            form.slug.errors.append(SLUG_TAKEN)
        else:
            _apply(form, explainer)
            if _link_translation(form, explainer):
                db.session.commit()
                flash("Explainer saved.", "success")
                return redirect(url_for("admin.edit_explainer", explainer_id=explainer.id), 303)
    return _form_page(form, explainer.campaign, explainer)


@bp.post("/explainers/<int:explainer_id>/publish")
def publish_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    publish(explainer)
    db.session.commit()
    flash(f"“{explainer.title}” is published.", "success")
    return _back_to(explainer)


@bp.post("/explainers/<int:explainer_id>/unpublish")
def unpublish_explainer(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    unpublish(explainer)
    db.session.commit()
    flash(f"“{explainer.title}” is a draft again, hidden from the public.", "success")
    return _back_to(explainer)


@bp.post("/explainers/<int:explainer_id>/move")
def move_explainer_page(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    move_explainer(explainer, _direction())
    db.session.commit()
    return redirect(url_for("admin.campaign", campaign_id=explainer.campaign_id), 303)


@bp.post("/explainers/<int:explainer_id>/links")
def add_link_page(explainer_id: int):
    explainer = db.get_or_404(Explainer, explainer_id)
    link_form = LinkForm()
    if link_form.validate():
        add_link(explainer, link_form.link_title.data, link_form.link_url.data)
        db.session.commit()
        flash("Link added.", "success")
        return _to_links(explainer)
    # The explainer form shows what is saved, not this request's (absent) fields.
    form = _explainer_form(explainer, formdata=None)
    return _form_page(form, explainer.campaign, explainer, link_form=link_form)


@bp.post("/explainers/<int:explainer_id>/links/<int:link_id>/move")
def move_link_page(explainer_id: int, link_id: int):
    link = _link_or_404(explainer_id, link_id)
    move_link(link, _direction())
    db.session.commit()
    return _to_links(link.explainer)


@bp.post("/explainers/<int:explainer_id>/links/<int:link_id>/remove")
def remove_link_page(explainer_id: int, link_id: int):
    link = _link_or_404(explainer_id, link_id)
    explainer = link.explainer
    remove_link(link)
    db.session.commit()
    flash("Link removed.", "success")
    return _to_links(explainer)


def _explainer_form(explainer: Explainer | None, **kwargs) -> ExplainerForm:
    form = ExplainerForm(obj=explainer, **kwargs)
    form.translation_of.choices = [SelectChoice(NO_LINK, "None: this is an original")] + [
        SelectChoice(other.id, f"{other.title} ({other.language})", optgroup=other.campaign.title)
        for other in queries.translation_candidates(explainer)
    ]
    return form


def _apply(form: ExplainerForm, explainer: Explainer) -> None:
    explainer.slug = form.slug.data
    explainer.title = form.title.data
    explainer.summary = form.summary.data or ""
    explainer.body = form.body.data or ""
    explainer.language = form.language.data
    explainer.image_path = form.image_path.data or None
    explainer.image_alt = form.image_alt.data if explainer.image_path else ""


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


def _form_page(
    form: ExplainerForm,
    campaign: Campaign,
    explainer: Explainer | None,
    preview: str | None = None,
    link_form: LinkForm | None = None,
):
    template = "admin/explainer_form.html"
    page = render_template(
        template,
        form=form,
        campaign=campaign,
        explainer=explainer,
        preview=preview,
        link_form=link_form or LinkForm(formdata=None),
    )
    failed = form.errors or (link_form is not None and link_form.errors)
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


def _back_to(explainer: Explainer):
    # Publishing buttons sit on the campaign page and on the edit page; go back to either.
    target = request.form.get("next")
    if not is_local_path(target):
        target = url_for("admin.campaign", campaign_id=explainer.campaign_id)
    return redirect(target, 303)


def _to_links(explainer: Explainer):
    return redirect(url_for("admin.edit_explainer", explainer_id=explainer.id) + "#links", 303)
