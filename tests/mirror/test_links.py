"""How the copy treats the links an organiser writes, and the pages it cannot copy."""

import re
from pathlib import Path

from campaign.content.models import CampaignStatus, ExplainerStatus
from campaign.images.library import add_image
from campaign.mirror.links import rewrite_css, rewrite_html
from tests.factories.content import make_campaign, make_explainer
from tests.factories.petitions import make_petition
from tests.images.uploads import png

BODY = """Read [the hub](http://campaign.test/c/{campaign}) and [the source](https://example.org/report).

Sign up [for updates](/subscribe) or [embed the petition](/petitions/links-petition/embed).

Not copied: [the console](/admin/) and [a petition taken down](/petitions/taken-down).

![The data flow](/static/demo/ijop-flow.svg)
"""


def test_an_explainers_own_links_lead_into_the_copy_or_out_to_their_sources(app, session, tmp_path):
    campaign = make_campaign(slug="links-hub")
    make_petition(campaign, slug="links-petition")
    make_explainer(campaign, slug="links-explainer", body=BODY.format(campaign=campaign.slug))
    session.commit()

    result = app.test_cli_runner().invoke(args=["mirror", "export", str(tmp_path / "m")])

    assert result.exit_code == 0, result.output
    page = (tmp_path / "m/explainers/links-explainer/index.html").read_text(encoding="utf-8")
    assert '<a href="../../c/links-hub/index.html"' in page
    assert '<a href="https://example.org/report"' in page
    assert '<img src="../../static/demo/ijop-flow.svg"' in page
    assert (tmp_path / "m/static/demo/ijop-flow.svg").is_file()
    # Pages the copy does not hold lose their link; their words stay.
    assert '<a rel="noopener noreferrer">the console</a>' in page
    assert '<a rel="noopener noreferrer">a petition taken down</a>' in page
    assert "Left out /petitions/taken-down: it answered 404" in result.output
    assert not list(Path(tmp_path / "m").glob("**/admin"))
    # Every page with a form in it has the note about the live site instead.
    for form_page in ("subscribe", "petitions/links-petition/embed", "ar/subscribe"):
        text = (tmp_path / "m" / form_page / "index.html").read_text(encoding="utf-8")
        assert "<form" not in text and 'class="notice live-site-note"' in text, form_page


def test_only_the_tags_whose_links_change_are_rewritten():
    page = (
        '<!doctype html><p title="a &amp; b">Tom &amp; Jerry</p>\n'
        '<script>if (a < b) { x("/static/x.js") }</script>\n'
        '<img alt=\'A\' src="/a.png" srcset="/a.png 1x, /a@2.png 2x">\n'
        '<a href="https://example.org/">out</a><a href="#top">top</a>'
    )

    rewritten = rewrite_html(page, lambda url: url.replace("/a", "img/a") if url[0] == "/" else url)

    assert rewritten == page.replace(
        '<img alt=\'A\' src="/a.png" srcset="/a.png 1x, /a@2.png 2x">',
        '<img alt="A" src="img/a.png" srcset="img/a.png 1x, img/a@2.png 2x">',
    )


def test_a_link_rewritten_to_nothing_loses_its_attribute_and_css_urls_follow():
    assert (
        rewrite_html('<a class="x" href="/admin/">c</a>', lambda url: None) == '<a class="x">c</a>'
    )
    styles = 'src: url("fonts/a.woff2"); background: url(/static/b.svg);'
    assert rewrite_css(styles, lambda url: url.replace("/static/", "")) == (
        'src: url("fonts/a.woff2"); background: url("b.svg");'
    )


def test_every_public_record_is_copied_even_when_no_page_links_it_and_drafts_are_not(
    app, session, tmp_path
):
    archived = make_campaign(slug="ended-campaign", status=CampaignStatus.ARCHIVED)
    make_explainer(archived, slug="kept-as-a-record")
    make_explainer(archived, slug="never-published", status=ExplainerStatus.DRAFT)
    make_campaign(slug="not-yet", status=CampaignStatus.DRAFT)
    session.commit()

    result = app.test_cli_runner().invoke(args=["mirror", "export", str(tmp_path / "m")])

    assert result.exit_code == 0, result.output
    home = (tmp_path / "m/index.html").read_text(encoding="utf-8")
    assert "ended-campaign" not in home  # the home lists live campaigns only
    assert (tmp_path / "m/c/ended-campaign/index.html").is_file()
    assert (tmp_path / "m/ug/c/ended-campaign/index.html").is_file()
    assert (tmp_path / "m/explainers/kept-as-a-record/index.html").is_file()
    assert not list((tmp_path / "m").glob("**/never-published"))
    assert not list((tmp_path / "m").glob("**/not-yet"))
    assert "Left out" not in result.output


def test_a_campaigns_look_comes_with_it_every_width_of_its_pictures_and_its_colours(
    app, session, tmp_path
):
    hero = add_image(png(1600, 900), alt="Folders of leaked documents on a desk")
    logo = add_image(png(600, 600), alt="")
    make_campaign(
        slug="with-a-look", accent_colour="#1a5fb4", hero_image_id=hero.id, logo_image_id=logo.id
    )
    session.commit()

    result = app.test_cli_runner().invoke(args=["mirror", "export", str(tmp_path / "m")])

    assert result.exit_code == 0, result.output
    assert "Left out" not in result.output  # /ug/media/… would be a 404, on the site too
    hub = tmp_path / "m/ug/c/with-a-look/index.html"
    page = hub.read_text(encoding="utf-8")
    candidates = [
        each for srcset in re.findall(r'srcset="([^"]*)"', page) for each in srcset.split(",")
    ]
    referred = re.findall(r'(?:src|href)="([^"]+)"', page) + [
        each.split()[0] for each in candidates
    ]
    media = {link for link in referred if "media/" in link or "theme/" in link}
    assert {f"../../../media/{hero.file_name(width)}" for width in hero.stored_widths} <= media
    assert "../../../theme/1a5fb4.css" in media
    for link in media:
        assert (hub.parent / link).resolve().is_file(), link
    assert "--accent: #1a5fb4" in (tmp_path / "m/theme/1a5fb4.css").read_text(encoding="utf-8")
