"""Images as organisers' cameras and editors make them, and a way to upload one."""

import io
import re

from PIL import Image, ImageCms

from tests.helpers import post_form

GPS = {1: "N", 2: (51.0, 30.0, 12.5), 3: "E", 4: (0.0, 7.0, 39.2)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator='
    b'"Secret Photographer"/></rdf:RDF></x:xmpmeta>'
)


def photo_with_everything(width: int = 2000, height: int = 1200) -> bytes:
    """A JPEG as a phone writes it: GPS position, camera, author, XMP, a comment, a profile,
    and an orientation tag saying it must be turned a quarter to stand upright."""
    picture = Image.new("RGB", (width, height), (180, 40, 40))
    picture.paste((20, 20, 160), (0, 0, width // 4, height // 4))  # a mark in the top left
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x013B] = "Secret Photographer"  # Artist
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to view
    exif[0x8825] = GPS
    out = io.BytesIO()
    picture.save(
        out,
        "JPEG",
        exif=exif,
        xmp=XMP,
        comment=b"taken at the safe house",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return out.getvalue()


def png(width: int = 600, height: int = 400, transparent: bool = False) -> bytes:
    mode = "RGBA" if transparent else "RGB"
    colour = (0, 120, 60, 0 if transparent else 255)[: len(mode)]
    out = io.BytesIO()
    Image.new(mode, (width, height), colour).save(out, "PNG")
    return out.getvalue()


def upload(client, data: bytes, name: str = "photo.jpg", alt: str = "A protest outside"):
    return post_form(
        client,
        "/admin/images",
        {"image": (io.BytesIO(data), name), "alt": alt, "language": "en", "label": ""},
        content_type="multipart/form-data",
    )


def served_names(page: str) -> list[str]:
    """Every /media file a page refers to, in src and srcset."""
    return sorted(set(re.findall(r"/media/([0-9a-f]{24}-[0-9]+\.(?:jpg|png|svg))", page)))
