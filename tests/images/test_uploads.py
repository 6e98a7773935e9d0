import io

import pytest
from PIL import Image as Picture
from sqlalchemy import func, select

from campaign.content.rendering import render_markdown
from campaign.images.models import Image
from tests.images.uploads import photo_with_everything, png, served_names, upload

SECRETS = (b"Secret Photographer", b"PhoneMaker", b"Model X", b"safe house", b"adobe:ns:meta")


def served_picture(client, name: str) -> Picture.Image:
    return Picture.open(io.BytesIO(client.get(f"/media/{name}", buffered=True).get_data()))


def image_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Image))


def only_image(session) -> Image:
    return session.scalars(select(Image)).one()


def test_a_photo_is_served_without_any_of_its_metadata(client, session, organiser):
    response = upload(client, photo_with_everything())
    assert response.status_code == 303
    image = only_image(session)
    library = client.get("/admin/images").get_data(as_text=True)
    names = served_names(library)
    assert names, library
    for width in image.stored_widths:
        served = client.get(f"/media/{image.file_name(width)}", buffered=True)
        assert served.status_code == 200
        data = served.get_data()
        for secret in SECRETS:
            assert secret not in data
        picture = Picture.open(io.BytesIO(data))
        assert picture.format == "JPEG"
        assert not picture.getexif()  # no EXIF at all, so no GPS, no camera, no orientation
        assert not set(picture.info) & {"exif", "xmp", "comment", "icc_profile", "photoshop"}
        assert b"Exif\x00\x00" not in data and b"\xff\xed" not in data[:64]  # no APP1/APP13


def test_a_photo_is_turned_upright_and_stored_at_several_widths(client, session, organiser):
    upload(client, photo_with_everything(width=2000, height=1200))
    image = only_image(session)
    # Orientation 6: the 2000 x 1200 sensor image stands 1200 wide and 2000 tall.
    assert (image.width, image.height) == (1200, 2000)
    assert image.stored_widths == [480, 960, 1200]
    largest = served_picture(client, image.largest)
    assert largest.size == (1200, 2000)
    # The blue mark was in the sensor's top left; turned clockwise, it is at the top right.
    assert largest.getpixel((1150, 50))[2] > 120 and largest.getpixel((50, 50))[0] > 120


def test_served_files_are_cached_for_a_year_and_named_by_nothing_guessable(
    client, session, organiser
):
    upload(client, png())
    image = only_image(session)
    response = client.get(f"/media/{image.largest}", buffered=True)
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.mimetype == "image/jpeg"  # an opaque PNG photo publishes as JPEG
    assert len(image.key) == 24


def test_transparency_is_kept_as_png(client, session, organiser):
    upload(client, png(transparent=True), name="logo.png")
    image = only_image(session)
    assert image.format == "png"
    served = served_picture(client, image.largest)
    assert served.mode == "RGBA" and served.getpixel((5, 5))[3] == 0


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "leaflet.pdf", "is not an image we can read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "broken.png", "is not an image we can read"),
        (b"<svg onload=alert(1)", "broken.svg", "cannot be read as a drawing"),
    ],
)
def test_what_is_not_an_image_is_refused_beside_the_field(
    client, session, organiser, data, name, message
):
    response = upload(client, data, name=name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert image_count(session) == 0


def test_an_image_bomb_is_refused_before_it_is_decoded(client, session, organiser):
    # 20,000 x 20,000 pixels of one colour: a few hundred kilobytes that would unpack to 1.2 GB.
    out = io.BytesIO()
    Picture.new("L", (20_000, 20_000)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    response = upload(client, out.getvalue(), name="bomb.png")
    assert response.status_code == 400
    assert "too many pixels" in response.get_data(as_text=True)
    assert image_count(session) == 0


@pytest.mark.parametrize(("kilobytes", "status"), [(120, 400), (300, 413)])
def test_a_file_over_the_limit_is_refused_with_the_limit(
    client, session, organiser, app_settings, kilobytes, status
):
    # Just over: read and refused beside the field. Far over: refused before it is read.
    app_settings(UPLOAD_MAX_BYTES=100 * 1024)
    response = upload(client, png() + b"\x00" * (kilobytes * 1024))
    assert response.status_code == status
    assert "This file is too large: 0 MB at most." not in response.get_data(as_text=True)
    assert "too large" in response.get_data(as_text=True)
    assert image_count(session) == 0


def test_an_upload_needs_its_description(client, session, organiser):
    response = upload(client, png(), alt="")
    assert response.status_code == 400
    assert "Describe the image for people who cannot see it." in response.get_data(as_text=True)
    assert image_count(session) == 0


def test_an_svg_keeps_its_drawing_and_loses_what_could_act_or_tell(client, session, organiser):
    drawing = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 200 100"
     inkscape:export-filename="/home/amina/secret/logo.png" onload="alert(1)">
  <metadata><author>Amina</author></metadata>
  <script>alert(2)</script>
  <foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>
  <rect width="200" height="100" fill="#8a1c1c"/>
  <image xlink:href="https://tracker.example/pixel.png"/>
  <use xlink:href="https://tracker.example/x.svg#a"/>
  <circle cx="50" cy="50" r="20" style="fill:url(https://tracker.example/p)"/>
</svg>"""
    assert upload(client, drawing, name="logo.svg").status_code == 303
    image = only_image(session)
    assert (image.format, image.width, image.height) == ("svg", 200, 100)
    response = client.get(f"/media/{image.largest}", buffered=True)
    served = response.get_data()
    assert b"<rect" in served and b"<circle" in served
    for gone in (b"script", b"onload", b"Amina", b"tracker.example", b"foreignObject", b"amina"):
        assert gone not in served
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_doctype_in_an_svg_is_refused(client, session, organiser):
    laughs = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    assert upload(client, laughs, name="lol.svg").status_code == 400
    assert image_count(session) == 0


def test_removing_an_image_removes_its_files(client, session, organiser, app):
    upload(client, png(1000, 500))
    image = only_image(session)
    names = [image.file_name(width) for width in image.stored_widths]
    response = client.post(
        f"/admin/images/{image.id}/remove",
        data={"csrf_token": _token(client)},
    )
    assert response.status_code == 303
    assert image_count(session) == 0
    for name in names:
        assert client.get(f"/media/{name}", buffered=True).status_code == 404


def test_the_description_can_be_changed_but_not_emptied(client, session, organiser):
    upload(client, png())
    image = only_image(session)
    field = f"image-{image.id}-alt"
    emptied = client.post(
        f"/admin/images/{image.id}", data={"csrf_token": _token(client), field: " "}
    )
    assert emptied.status_code == 400
    changed = client.post(
        f"/admin/images/{image.id}", data={"csrf_token": _token(client), field: "A vigil"}
    )
    assert changed.status_code == 303
    session.refresh(image)
    assert image.alt == "A vigil"


@pytest.mark.parametrize(
    "name", ["../config.py", "x.jpg", "0123456789abcdef01234567-480.exe", "%2e%2e%2fconfig.py"]
)
def test_media_serves_nothing_but_image_files(client, name):
    assert client.get(f"/media/{name}", buffered=True).status_code == 404


def test_visitors_cannot_upload(client, session):
    response = client.post(
        "/admin/images", data={"image": (io.BytesIO(png()), "x.png"), "alt": "x"}
    )
    assert response.status_code in (302, 400)
    assert image_count(session) == 0


def _token(client) -> str:
    from tests.helpers import csrf_token

    return csrf_token(client, "/admin/images")


def test_the_library_gives_the_markdown_that_puts_an_image_in_an_explainer(
    client, session, organiser
):
    upload(client, png(1200, 600), alt="A [crowded] square")
    image = only_image(session)
    page = client.get("/admin/images").get_data(as_text=True)
    markdown = f"![A crowded square](/media/{image.file_name(960)})"
    assert markdown in page
    assert f'src="/media/{image.file_name(960)}"' in render_markdown(markdown)
