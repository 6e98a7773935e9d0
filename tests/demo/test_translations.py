"""The demo in Uyghur and Simplified Chinese: loaded beside the English, once, from its files."""

import html
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaign.content.models import Campaign, Explainer
from campaign.content.rendering import render_markdown
from campaign.demo import translations
from campaign.demo.loader import HERE, load_demo
from campaign.donations.models import Appeal
from campaign.i18n.models import ContentTranslation
from campaign.i18n.translating import in_page_language
from campaign.petitions.models import Petition
from tests.factories.content import make_campaign
from tests.factories.petitions import make_petition

ENGLISH = tomllib.loads((HERE / "china_cables.toml").read_text(encoding="utf-8"))
LANGUAGES = ["ug", "zh-Hans"]
# Each language's script, to tell its words from the English ones on a page.
SCRIPT = {"ug": re.compile(r"[\u0600-\u06ff]"), "zh-Hans": re.compile(r"[\u4e00-\u9fff]")}


def demo_file(language: str) -> dict:
    return tomllib.loads((HERE / f"china_cables.{language}.toml").read_text(encoding="utf-8"))


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


@pytest.fixture
def demo(session):
    report = load_demo()
    session.commit()
    return report


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_record_has_words_in_each_language_file(language):
    words = demo_file(language)

    assert words["language"] == language
    assert {"title", "summary"} <= set(words["campaign"])
    assert [item["translation_of"] for item in words["explainers"]] == [
        item["slug"] for item in ENGLISH["explainers"]
    ]
    assert [item["slug"] for item in words["petitions"]] == [
        item["slug"] for item in ENGLISH["petitions"]
    ]
    assert [item["slug"] for item in words["appeals"]] == [
        item["slug"] for item in ENGLISH["appeals"]
    ]
    for item in words["explainers"]:
        assert item["slug"] == f"{item['translation_of']}-{language.lower()}"
        assert len(item["links"]) == 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hub_in_a_language_lists_the_explainers_written_in_it(client, demo, language):
    page = text_of(client.get(f"/{language}/c/china-cables"))

    for item in demo_file(language)["explainers"]:
        assert item["title"] in page
        assert f'href="/{language}/explainers/{item["slug"]}"' in page
    for item in ENGLISH["explainers"]:
        assert item["title"] not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_explainer_in_a_language_is_served_in_its_own_direction(client, demo, language):
    direction = {"ug": "rtl", "zh-Hans": "ltr"}[language]

    for item in demo_file(language)["explainers"]:
        under_its_language = client.get(f"/{language}/explainers/{item['slug']}")
        page = text_of(under_its_language)

        assert html_tag(under_its_language) == f'<html lang="{language}" dir="{direction}">'
        assert f"<h1>{item['title']}</h1>" in page
        assert SCRIPT[language].search(page.split('<div class="prose">')[1])
        for link in item["links"]:
            assert link["title"] in page and link["url"] in page
        # Read from the English pages, the article still says what it is written in.
        from_english = text_of(client.get(f"/explainers/{item['slug']}"))
        assert f'<div class="prose" lang="{language}" dir="{direction}">' in from_english


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_explainer_in_a_language_is_a_translation_of_its_original(session, demo, language):
    for item in demo_file(language)["explainers"]:
        version = session.scalar(select(Explainer).where(Explainer.slug == item["slug"]))

        assert version.language == language
        assert version.translation_of.slug == item["translation_of"]
        assert version.is_published
        assert "**" not in version.body_html  # every emphasis closed, whatever the script


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_words_of_the_campaign_petition_and_appeals_read_in_each_language(
    app, session, demo, language
):
    words = demo_file(language)
    campaign = session.scalar(select(Campaign).where(Campaign.slug == "china-cables"))

    with app.test_request_context(f"/{language}/"):
        shown = in_page_language(campaign, language)
        assert (shown.title, shown.summary, shown.language) == (
            words["campaign"]["title"],
            words["campaign"]["summary"],
            language,
        )
        for item in words["petitions"]:
            petition = in_page_language(_by_slug(session, Petition, item["slug"]), language)
            assert (petition.title, petition.target, petition.thank_you_text) == (
                item["title"],
                item["target"],
                item["thank_you_text"],
            )
            assert SCRIPT[language].search(petition.body_html)
            assert "**" not in petition.body_html
        for item in words["appeals"]:
            appeal = in_page_language(_by_slug(session, Appeal, item["slug"]), language)
            assert appeal.title == item["title"]
            assert SCRIPT[language].search(appeal.body_html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hub_in_a_language_shows_the_campaigns_words_in_it(client, demo, language):
    words = demo_file(language)["campaign"]

    page = text_of(client.get(f"/{language}/c/china-cables"))

    assert f"<h1>{words['title']}</h1>" in page  # in the page's language: no lang of its own
    assert words["summary"] in page
    for item in demo_file(language)["appeals"]:  # the open appeals' calls to action
        assert item["title"] in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hub_in_a_language_calls_to_sign_the_petition_in_it(client, demo, language):
    page = text_of(client.get(f"/{language}/c/china-cables"))

    assert demo_file(language)["petitions"][0]["title"] in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_petition_in_a_language_shows_its_words_in_it(client, demo, language):
    item = demo_file(language)["petitions"][0]

    page = text_of(client.get(f"/{language}/petitions/{item['slug']}"))

    assert item["title"] in page and item["target"] in page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("appeal", [item["slug"] for item in ENGLISH["appeals"]])
def test_an_appeal_in_a_language_shows_its_words_in_it(client, demo, language, appeal):
    item = next(each for each in demo_file(language)["appeals"] if each["slug"] == appeal)
    written = (HERE / "appeals" / item["body"]).read_text(encoding="utf-8")

    response = client.get(f"/{language}/donate/{appeal}")
    page = text_of(response)

    assert f"<h1>{item['title']}</h1>" in page
    assert render_markdown(written.strip()) in response.get_data(as_text=True)
    assert demo_file(language)["campaign"]["title"] in page  # the kicker back to the hub


def test_loading_twice_keeps_one_translation_per_record_and_language(session):
    load_demo()
    second = load_demo()

    assert second.created == [] and second.updated == []
    per_record = session.execute(
        select(func.count())
        .select_from(ContentTranslation)
        .group_by(
            ContentTranslation.kind, ContentTranslation.record_id, ContentTranslation.language
        )
    ).scalars()
    assert set(per_record) == {1}
    # The campaign, one petition, two appeals and four drawings, in each of two languages.
    assert session.scalar(select(func.count()).select_from(ContentTranslation)) == 8 * 2
    for language in LANGUAGES:
        for item in demo_file(language)["explainers"]:
            original = _by_slug(session, Explainer, item["translation_of"])
            versions = session.scalars(
                select(Explainer.slug).where(
                    Explainer.translation_of_id == original.id, Explainer.language == language
                )
            ).all()
            assert versions == [item["slug"]]


def test_a_changed_file_updates_its_translation_and_nothing_else(session, tmp_path, monkeypatch):
    load_demo()
    folder = tmp_path / "demo"
    shutil.copytree(HERE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    _replace(folder / "china_cables.ug.toml", "يول قويۇلسۇن", "يول قويۇلسۇن!")
    _replace(
        folder / "explainers" / "what-the-china-cables-are-ug.md",
        "## ھۆججەتلەردە نېمىلەر بار",
        "## ھۆججەتلەرنىڭ مەزمۇنى",
    )
    monkeypatch.setattr(translations, "HERE", folder)

    report = load_demo()

    assert report.created == []
    assert sorted(report.updated) == [
        "explainer what-the-china-cables-are-ug",
        "petition un-access-xinjiang in ug",
    ]
    petition = _by_slug(session, Petition, "un-access-xinjiang")
    assert in_page_language(petition, "ug").title.endswith("يول قويۇلسۇن!")
    explainer = _by_slug(session, Explainer, "what-the-china-cables-are-ug")
    assert "ھۆججەتلەرنىڭ مەزمۇنى" in explainer.body_html
    assert "ھۆججەتلەردە نېمىلەر بار" not in explainer.body_html
    assert session.scalar(select(func.count()).select_from(ContentTranslation)) == 8 * 2
    assert len(explainer.links) == 3


def test_another_campaigns_petition_with_the_demo_slug_is_not_translated(session):
    theirs = make_petition(campaign=make_campaign(slug="their-campaign"), slug="un-access-xinjiang")
    session.commit()

    load_demo()

    kinds = session.scalars(select(ContentTranslation.kind)).all()
    assert "petition" not in kinds
    assert in_page_language(theirs, "ug").title == theirs.title


def _by_slug(session, model: type, slug: str):
    return session.scalar(select(model).where(model.slug == slug))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
