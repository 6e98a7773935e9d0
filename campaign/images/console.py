"""The console's image library under /admin/images: upload, describe, remove."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from campaign.accounts.access import require_organiser
from campaign.extensions import db
from campaign.images import storage
from campaign.images.forms import ImageDescriptionForm, ImageUploadForm
from campaign.images.library import add_image, images_newest_first, remove_image
from campaign.images.models import Image
from campaign.images.refusals import ImageRefused

bp = Blueprint("images_console", __name__)
bp.before_request(require_organiser)
# Room for the form's other fields around the file itself.
FORM_OVERHEAD = 64 * 1024


@bp.get("/images")
def images():
    return _library_page(ImageUploadForm(language=current_app.config["LANGUAGES"][0]))


@bp.post("/images")
def upload():
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + FORM_OVERHEAD
    if (request.content_length or 0) > request.max_content_length:
        # Refused before the body is read: nothing of it is spooled to disk.
        form = ImageUploadForm(formdata=None)
        form.image.errors = [_too_large(limit)]
        return _library_page(form), 413
    form = ImageUploadForm()
    if form.validate_on_submit():
        data = form.image.data.read(limit + 1)
        if len(data) > limit:
            form.image.errors.append(_too_large(limit))
        else:
            try:
                image = add_image(data, form.alt.data, form.label.data, form.language.data)
            except ImageRefused as refusal:
                form.image.errors.append(str(refusal))
            else:
                db.session.commit()
                flash(_("Image uploaded and cleaned of its metadata."), "success")
                return redirect(url_for(".images", _anchor=f"image-{image.id}"), 303)
    return _library_page(form), 400


@bp.post("/images/<int:image_id>")
def describe(image_id: int):
    image = db.get_or_404(Image, image_id)
    form = ImageDescriptionForm(prefix=f"image-{image.id}")
    if not form.validate_on_submit():
        return _library_page(ImageUploadForm(formdata=None), {image.id: form}), 400
    image.alt = form.alt.data
    db.session.commit()
    flash(_("Description saved."), "success")
    return redirect(url_for(".images", _anchor=f"image-{image.id}"), 303)


@bp.post("/images/<int:image_id>/remove")
def remove(image_id: int):
    names = remove_image(db.get_or_404(Image, image_id))
    db.session.commit()
    storage.remove(names)  # only now: had the commit failed, pages would still need them
    flash(_("Image removed; pages that showed it show none."), "success")
    return redirect(url_for(".images"), 303)


def _too_large(limit: int) -> str:
    megabytes = format_decimal(round(limit / (1024 * 1024), 1))
    return _("This file is too large: %(megabytes)s MB at most.", megabytes=megabytes)


def _library_page(form: ImageUploadForm, description_forms: dict | None = None):
    images = images_newest_first()
    forms = description_forms or {}
    for image in images:
        forms.setdefault(
            image.id, ImageDescriptionForm(formdata=None, prefix=f"image-{image.id}", obj=image)
        )
    return render_template(
        "images/console/images.html", form=form, images=images, description_forms=forms
    )
