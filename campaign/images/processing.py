"""An uploaded image made safe to publish: decoded, turned upright, re-encoded from its pixels
alone, at a few widths.

A photo's metadata can say where and when it was taken and with which camera: for someone the
state watches, that can name the photographer. Nothing of the upload's file is kept, not even
its colour profile (the pixels are converted to sRGB first); only pixels are copied into new
files. SVG is text, so it is cleaned on its own path (svg.py).
"""

import io
import warnings
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from campaign.images import svg
from campaign.images.refusals import ImageRefused

# The widths a page may ask for in `srcset`; an image is never enlarged past its own width.
WIDTHS = (480, 960, 1600)
RASTER_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
JPEG_QUALITY = 82
ORIENTATION = 0x0112  # the EXIF tag
QUARTER_TURNS = {5, 6, 7, 8}  # orientations whose upright width is the stored height

NOT_AN_IMAGE = _l("This file is not an image we can read: upload a JPEG, PNG, GIF, WebP or SVG.")
TOO_MANY_PIXELS = _l(
    "This image has too many pixels to process safely: %(limit)s megapixels at most."
)
TOO_SMALL = _l("This image is too small: it must be at least %(pixels)s pixels wide.")
MIN_WIDTH = 64


@dataclass
class Prepared:
    """What is stored of an upload: its renditions by width, and what pages need to know."""

    format: str  # jpeg, png or svg
    width: int
    height: int
    renditions: dict[int, bytes] = field(default_factory=dict)  # width -> file bytes


def prepare(data: bytes, max_pixels: int) -> Prepared:
    """Turn an upload into clean files, or raise ImageRefused saying why not."""
    if svg.looks_like_svg(data):
        cleaned, width, height = svg.clean(data)
        return Prepared("svg", width, height, {width: cleaned})
    picture = _decode(data, max_pixels)
    if picture.width < MIN_WIDTH:
        raise ImageRefused(TOO_SMALL % {"pixels": MIN_WIDTH})
    opaque = not _has_transparency(picture)
    picture = picture.convert("RGB" if opaque else "RGBA")
    kind = "jpeg" if opaque else "png"
    widths = [width for width in WIDTHS if width < picture.width] or [picture.width]
    if picture.width < WIDTHS[-1] and picture.width not in widths:
        widths.append(picture.width)  # the largest rendition is the image at its own size
    renditions = {}
    source = picture
    for width in sorted(widths, reverse=True):
        # Each from the one above it: a third of the work of three resizes from the original.
        source = _resized(source, width)
        renditions[width] = _encode(source, kind)
    return Prepared(kind, picture.width, picture.height, dict(sorted(renditions.items())))


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; ours is the one that counts.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.format not in RASTER_FORMATS:
                raise ImageRefused(NOT_AN_IMAGE)
            if picture.width * picture.height > max_pixels:
                raise ImageRefused(TOO_MANY_PIXELS % {"limit": max_pixels // 1_000_000})
            if picture.format == "JPEG":
                _decode_no_larger_than_needed(picture)
            picture.load()
    except ImageRefused:
        raise
    except Image.DecompressionBombError:
        raise ImageRefused(TOO_MANY_PIXELS % {"limit": max_pixels // 1_000_000}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefused(NOT_AN_IMAGE) from None
    if getattr(picture, "n_frames", 1) > 1:
        picture.seek(0)  # an animation publishes as its first frame
    upright = ImageOps.exif_transpose(picture)
    return _in_srgb(upright, picture.info.get("icc_profile"))


def _decode_no_larger_than_needed(picture: Image.Image) -> None:
    # A JPEG decodes at 1/2, 1/4 or 1/8 of its size for a fraction of the work; ask for the
    # smallest that is still at least the widest rendition once the photo stands upright.
    turned = picture.getexif().get(ORIENTATION, 1) in QUARTER_TURNS
    widest = WIDTHS[-1]
    picture.draft(picture.mode, (1, widest) if turned else (widest, 1))


def _in_srgb(picture: Image.Image, profile: bytes | None) -> Image.Image:
    # Dropping a colour profile without converting would shift the colours of, say, an
    # Adobe RGB photo; converting first keeps them while the profile itself goes.
    if picture.mode == "P":
        picture = picture.convert("RGBA")
    if not profile:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        if "srgb" in ImageCms.getProfileDescription(source).lower():
            return picture  # already what browsers assume
        mode = "RGBA" if "A" in picture.getbands() else "RGB"
        return ImageCms.profileToProfile(
            picture, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: the pixels as they are


def _has_transparency(picture: Image.Image) -> bool:
    if "A" not in picture.getbands():
        return False
    lowest, _highest = picture.getchannel("A").getextrema()
    return lowest < 255


def _resized(picture: Image.Image, width: int) -> Image.Image:
    height = max(1, round(picture.height * width / picture.width))
    if width != picture.width:
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    # A new image holding only the pixels: no `info` (EXIF, XMP, comments) can ride along.
    return Image.frombytes(picture.mode, picture.size, picture.tobytes())


def _encode(picture: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    if kind == "jpeg":
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()
