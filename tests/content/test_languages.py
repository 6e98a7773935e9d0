"""Public pages in every language of the site: layout, alternates, switcher, and which version
of an explainer a list shows."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext

from campaign.content.publishing import set_translation_of
from campaign.i18n.languages import (
    babel_locale,
    language_name,
    open_graph_locale,
    text_direction,
)
from config import TestingConfig
from tests.factories.content import make_campaign, make_explainer

LANGUAGES = TestingConfig.LANGUAGES
SITE_URL = TestingConfig.SITE_URL
PAGES = ["home", "hub", "explainer"]


def prefix(language: str) -> str:
    return "" if language == LANGUAGES[0] else f"/{language}"


@dataclass
class Tag:
    name: str
    attributes: dict[str, str]
    inside: list[str]  # the open elements around it, as "nav.language-switcher"
    text: str = ""


@dataclass
class Page:
    tags: list[Tag] = field(default_factory=list)

    def all(self, name: str, **attributes: str) -> list[Tag]:
        return [
            tag
            for tag in self.tags
            if tag.name == name
            and all(
                tag.attributes.get(key.replace("_", "-")) == value
                for key, value in attributes.items()
            )
        ]

    def html(self) -> dict[str, str]:
        return self.all("html")[0].attributes

    def alternates(self) -> dict[str, str]:
        return {
            tag.attributes["hreflang"]: tag.attributes["href"]
            for tag in self.all("link", rel="alternate")
        }

    def switcher(self) -> list[Tag]:
        return [tag for tag in self.all("a") if "nav.language-switcher" in tag.inside]

    def meta(self, property: str) -> list[str]:
        return [tag.attributes["content"] for tag in self.all("meta", property=property)]


class PageReader(HTMLParser):
    VOID = {"link", "meta", "img", "input", "br", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self.open: list[Tag] = []

    def handle_starttag(self, name: str, attrs: list) -> None:
        inside = [f"{tag.name}.{tag.attributes.get('class', '')}" for tag in self.open]
        tag = Tag(name, {key: value or "" for key, value in attrs}, inside)
        self.page.tags.append(tag)
        if name not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, name: str) -> None:
        while self.open:
            if self.open.pop().name == name:
                break

    def handle_data(self, data: str) -> None:
        for tag in self.open:
            tag.text += data


def read(response) -> Page:
    reader = PageReader()
    reader.feed(response.get_data(as_text=True))
    return reader.page


@pytest.fixture
def site(session):
    """A campaign with an English explainer, its Uyghur translation, and nothing else."""
    campaign = make_campaign(title="Open the camps")
    original = make_explainer(campaign, language="en", title="What the leak shows")
    translation = make_explainer(campaign, language="ug", title="ئاشكارىلانغان ھۆججەتلەر")
    set_translation_of(translation, original)
    session.commit()
    return campaign, original, translation


def path_of(page: str, site) -> str:
    campaign, original, _translation = site
    return {
        "home": "/",
        "hub": f"/c/{campaign.slug}",
        "explainer": f"/explainers/{original.slug}",
    }[page]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_laid_out_in_the_language_of_its_prefix(client, site, page, language):
    response = client.get(prefix(language) + path_of(page, site))

    assert response.status_code == 200
    assert read(response).html() == {"lang": language, "dir": text_direction(language)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path", ["/c/no-such-campaign", "/explainers/no-such-one", "/no/such/page"]
)
def test_a_missing_page_is_a_404_in_the_language_of_its_prefix(
    app, client, session, path, language
):
    response = client.get(prefix(language) + path)

    assert response.status_code == 404
    assert read(response).html() == {"lang": language, "dir": text_direction(language)}
    with app.app_context(), force_locale(babel_locale(language)):
        heading = gettext("Page not found")
    assert f"<h1>{heading}</h1>" in response.get_data(as_text=True)
    assert (heading == "Page not found") == (language == "en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_alternates_name_each_language_once_absolutely_and_each_answers(
    client, site, page, language
):
    alternates = read(client.get(prefix(language) + path_of(page, site))).alternates()

    assert sorted(alternates) == sorted([*LANGUAGES, "x-default"])
    assert alternates["x-default"] == alternates[LANGUAGES[0]]
    for url in alternates.values():
        assert url.startswith(SITE_URL + "/")
        assert client.get(url.removeprefix(SITE_URL)).status_code == 200, url


def test_an_explainers_alternates_are_its_translations_where_it_has_them(client, site):
    _campaign, original, translation = site

    for slug in (original.slug, translation.slug):
        alternates = read(client.get(f"/tr/explainers/{slug}")).alternates()

        assert alternates["en"] == f"{SITE_URL}/explainers/{original.slug}"
        assert alternates["ug"] == f"{SITE_URL}/ug/explainers/{translation.slug}"
        # No Turkish version: in Turkish, this page itself.
        assert alternates["tr"] == f"{SITE_URL}/tr/explainers/{slug}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_open_graph_names_the_pages_locale_and_the_others_as_alternates(
    client, site, page, language
):
    page = read(client.get(prefix(language) + path_of(page, site)))

    assert page.meta("og:locale") == [open_graph_locale(language)]
    others = [open_graph_locale(other) for other in LANGUAGES if other != language]
    assert page.meta("og:locale:alternate") == others


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_switcher_lists_every_language_and_marks_the_current_one(client, site, language):
    links = read(client.get(prefix(language) + path_of("hub", site))).switcher()

    assert [link.text for link in links] == [language_name(tag) for tag in LANGUAGES]
    assert [link.attributes["lang"] for link in links] == list(LANGUAGES)
    assert [link.attributes.get("aria-current") for link in links] == [
        "true" if tag == language else None for tag in LANGUAGES
    ]
    assert [link.attributes["href"] for link in links] == [
        prefix(tag) + path_of("hub", site) for tag in LANGUAGES
    ]


def test_an_explainer_links_each_version_under_its_own_languages_pages(client, site, session):
    campaign, original, translation = site
    french = make_explainer(campaign, language="fr", title="Ce que montre la fuite")
    set_translation_of(french, original)
    session.commit()

    links = [
        tag
        for tag in read(client.get(f"/tr/explainers/{original.slug}")).all("a")
        if "nav.translations" in tag.inside
    ]

    # French is not one of the site's languages: its version opens in this page's.
    assert {link.text: link.attributes["href"] for link in links} == {
        language_name("fr"): f"/tr/explainers/{french.slug}",
        language_name("ug"): f"/ug/explainers/{translation.slug}",
    }
    assert {link.attributes["lang"]: link.attributes["dir"] for link in links} == {
        "fr": "ltr",
        "ug": "rtl",
    }


@pytest.mark.parametrize("page", ["home", "hub"])
def test_a_list_shows_each_explainer_once_in_the_pages_language_where_it_can(client, site, page):
    _campaign, original, translation = site
    path = path_of(page, site)

    english = read(client.get(path))
    uyghur = read(client.get(f"/ug{path}"))
    turkish = read(client.get(f"/tr{path}"))

    def cards(page: Page) -> list[Tag]:
        return [tag for tag in page.all("h3") if "article.card" in tag.inside]

    assert [(card.text, card.attributes) for card in cards(english)] == [(original.title, {})]
    assert [(card.text, card.attributes) for card in cards(uyghur)] == [(translation.title, {})]
    # No Turkish version: the original, marked as English.
    assert [(card.text, card.attributes) for card in cards(turkish)] == [
        (original.title, {"lang": "en", "dir": "ltr"})
    ]


def test_a_translation_whose_original_is_a_draft_is_still_listed(client, session):
    campaign = make_campaign()
    original = make_explainer(campaign, language="en", title="Not yet", status="draft")
    translation = make_explainer(campaign, language="ug", title="تەرجىمە")
    set_translation_of(translation, original)
    session.commit()

    for path in ("/", f"/c/{campaign.slug}", "/tr/", f"/tr/c/{campaign.slug}"):
        html = client.get(path).get_data(as_text=True)
        assert translation.title in html, path
        assert original.title not in html, path


def test_dates_and_reading_time_are_written_in_the_pages_language(client, session):
    explainer = make_explainer(
        published_at=datetime(2026, 3, 4, 12, tzinfo=UTC), body="word " * 1000
    )
    session.commit()

    english = client.get(f"/explainers/{explainer.slug}").get_data(as_text=True)
    turkish = client.get(f"/tr/explainers/{explainer.slug}").get_data(as_text=True)
    chinese = client.get(f"/zh-Hans/explainers/{explainer.slug}").get_data(as_text=True)

    assert '<time datetime="2026-03-04">4 March 2026</time> · 5 min read' in english
    # Babel's own data for each locale, with or without a catalog for the words.
    assert '<time datetime="2026-03-04">4 Mart 2026</time>' in turkish
    assert '<time datetime="2026-03-04">2026年3月4日</time>' in chinese
