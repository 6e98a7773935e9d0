"""What organisers do with images: upload, describe, remove; and what pages ask of one."""

import secrets

from flask import current_app
from sqlalchemy import select

from campaign.audit.trail import record
from campaign.extensions import db
from campaign.i18n.site import url_for_page
from campaign.i18n.translating import forget_translations, in_page_language
from campaign.images import storage
from campaign.images.models import Image
from campaign.images.processing import prepare


def add_image(data: bytes, alt: str, label: str = "", language: str = "en") -> Image:
    """Publish an upload's clean renditions and record the image (the caller commits).

    Raises ImageRefused, with nothing stored, when the upload is not a usable image.
    """
    prepared = prepare(data, current_app.config["UPLOAD_MAX_PIXELS"])
    image = Image(
        key=secrets.token_hex(12),
        format=prepared.format,
        width=prepared.width,
        height=prepared.height,
        widths=",".join(str(width) for width in sorted(prepared.renditions)),
        alt=alt,
        language=language,
        label=label,
        byte_size=sum(len(data) for data in prepared.renditions.values()),
    )
    for width, rendition in prepared.renditions.items():
        storage.write(image.file_name(width), rendition)
    db.session.add(image)
    db.session.flush()
    record("upload image", object_kind="image", object_id=image.id, detail=prepared.format)
    return image


def remove_image(image: Image) -> list[str]:
    """Delete the image's row; returns its files, to remove once that is committed."""
    names = [image.file_name(width) for width in image.stored_widths]
    record("remove image", object_kind="image", object_id=image.id)
    forget_translations(image)
    db.session.delete(image)
    db.session.flush()
    return names


def images_newest_first() -> list[Image]:
    return list(db.session.scalars(select(Image).order_by(Image.created_at.desc(), Image.id)))


def image_url(image: Image, width: int | None = None) -> str:
    """The address of the rendition nearest `width` from above (the largest by default)."""
    widths = image.stored_widths
    chosen = next((each for each in widths if width is not None and each >= width), widths[-1])
    return url_for_page("images.media", name=image.file_name(chosen))


def image_srcset(image: Image) -> str:
    """`srcset` for an <img>: every stored width, so the browser picks what fits the screen."""
    if image.format == "svg":
        return ""
    return ", ".join(
        f"{url_for_page('images.media', name=image.file_name(width))} {width}w"
        for width in image.stored_widths
    )


def image_alt(image: Image) -> tuple[str, str]:
    """The image's description in the page's language where it is translated, and the
    language of the words given."""
    shown = in_page_language(image)
    return shown.alt, shown.language
