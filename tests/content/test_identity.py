"""A campaign's identity: tagline, accent colour (readable or refused), logo and heroes."""

import pytest
from sqlalchemy import select

from campaign.content.identity import accent_refusal, contrast_ratio
from campaign.content.models import Campaign
from campaign.i18n.translating import save_translation
from campaign.images.models import Image
from tests.factories.content import campaign_form_fields, make_campaign, make_explainer
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition
from tests.helpers import csrf_token, post_form
from tests.images.uploads import png, served_names, upload


def test_contrast_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#8a1c1c", "#ffffff") > 4.5


@pytest.mark.parametrize(
    ("colour", "refused"),
    [("#8a1c1c", False), ("#1a5fb4", False), ("#707070", False), ("#767676", True),
     ("#777777", True), ("#ffcc00", True), ("#ffffff", True), ("red", True), ("#8a1c1", True),
     ("#8a1c1cc", True)],
)  # fmt: skip
def test_an_accent_must_be_readable_on_the_page_and_under_white(colour, refused):
    assert (accent_refusal(colour) is not None) == refused


def upload_image(client, session, **changes) -> Image:
    upload(client, png(1600, 900), **changes)
    return session.scalars(select(Image).order_by(Image.id.desc())).first()


def test_an_organiser_gives_a_campaign_its_look(client, session, organiser):
    logo = upload_image(client, session, name="logo.png", alt="Logo")
    hero = upload_image(client, session, alt="Folders of leaked documents on a desk")
    fields = campaign_form_fields(
        status="live",
        tagline="Read what the state wrote down",
        accent_colour="#1A5FB4",
        logo_image=str(logo.id),
        hero_image=str(hero.id),
    )
    assert post_form(client, "/admin/campaigns/new", fields).status_code == 303
    campaign = session.scalar(select(Campaign).where(Campaign.slug == "free-the-press"))
    assert (campaign.accent_colour, campaign.logo_image_id, campaign.hero_image_id) == (
        "#1a5fb4",
        logo.id,
        hero.id,
    )
    page = client.get("/c/free-the-press").get_data(as_text=True)
    assert 'href="/theme/1a5fb4.css"' in page
    assert "Read what the state wrote down" in page
    assert 'alt="Folders of leaked documents on a desk"' in page
    assert f"/media/{hero.file_name(480)} 480w" in page and 'sizes="' in page
    assert logo.key in page
    sheet = client.get("/theme/1a5fb4.css")
    assert sheet.mimetype == "text/css" and "--accent: #1a5fb4" in sheet.get_data(as_text=True)
    assert "immutable" in sheet.headers["Cache-Control"]
    home = client.get("/").get_data(as_text=True)
    assert hero.key in home and "Read what the state wrote down" in home


def test_a_colour_too_light_to_read_is_refused_beside_the_field(client, session, organiser):
    response = post_form(
        client, "/admin/campaigns/new", campaign_form_fields(accent_colour="#ffcc00")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="accent_colour-error"' in page and "WCAG AA needs 4.5:1" in page
    assert session.scalar(select(Campaign).where(Campaign.slug == "free-the-press")) is None


@pytest.mark.parametrize("colour", ["ffcc00", "8A1C1C", "8a1c1c;}body{x", "zzzzzz"])
def test_the_theme_address_serves_only_readable_colours(client, colour):
    assert client.get(f"/theme/{colour}.css").status_code == 404


def test_pages_of_a_campaign_show_its_hero_unless_they_have_their_own(client, session, organiser):
    campaign_hero = upload_image(client, session, alt="The campaign picture")
    own = upload_image(client, session, alt="The petition own picture")
    campaign = make_campaign(hero_image_id=campaign_hero.id, accent_colour="#1a5fb4")
    explainer = make_explainer(campaign)
    petition = make_petition(campaign, hero_image_id=own.id)
    appeal = make_appeal(campaign)
    session.commit()
    for path, expected in (
        (f"/explainers/{explainer.slug}", campaign_hero),
        (f"/petitions/{petition.slug}", own),
        (f"/donate/{appeal.slug}", campaign_hero),
    ):
        page = client.get(path).get_data(as_text=True)
        assert expected.alt in page, path
        assert any(name.startswith(expected.key) for name in served_names(page)), path
        assert "/theme/1a5fb4.css" in page


def test_removing_an_image_leaves_its_pages_without_it(client, session, organiser):
    hero = upload_image(client, session, alt="Soon gone")
    campaign = make_campaign(hero_image_id=hero.id)
    session.commit()
    client.post(
        f"/admin/images/{hero.id}/remove", data={"csrf_token": csrf_token(client, "/admin/images")}
    )
    session.expire_all()
    assert campaign.hero_image_id is None
    page = client.get(f"/c/{campaign.slug}")
    assert page.status_code == 200 and "Soon gone" not in page.get_data(as_text=True)


def test_an_image_that_is_not_in_the_library_cannot_be_chosen(client, session, organiser):
    response = post_form(client, "/admin/campaigns/new", campaign_form_fields(hero_image="999"))
    assert response.status_code == 400
    assert 'id="hero_image-error"' in response.get_data(as_text=True)


def test_images_keep_one_address_in_every_language(client, session, organiser):
    hero = upload_image(client, session, alt="A vigil")
    campaign = make_campaign(hero_image_id=hero.id)
    session.commit()
    page = client.get(f"/ug/c/{campaign.slug}").get_data(as_text=True)
    names = served_names(page)
    assert names and "/ug/media/" not in page
    assert client.get(f"/media/{names[0]}", buffered=True).status_code == 200


def test_a_hero_is_described_in_the_page_language_where_translated(client, session, organiser):
    hero = upload_image(client, session, alt="A vigil")
    campaign = make_campaign(hero_image_id=hero.id)
    save_translation(hero, "ug", {"alt": "بىر خاتىرە يىغىلىشى"})
    session.commit()
    uyghur = client.get(f"/ug/c/{campaign.slug}").get_data(as_text=True)
    turkish = client.get(f"/tr/c/{campaign.slug}").get_data(as_text=True)
    assert 'alt="بىر خاتىرە يىغىلىشى"' in uyghur
    # Not translated into Turkish: the original, marked with its own language.
    assert 'alt="A vigil" lang="en" dir="ltr"' in turkish
