"""A reader of a translated page sees no English of the site's own: every word of the
interface, on every public page, is in the page's language.

The check reads the page as a reader meets it: text and the attributes read aloud or shown
(`aria-label`, `placeholder`, `title`, `alt`, a button's `value`), leaving out what is not the
site's words: organisers' words in another language (marked with their own `lang`), names and
amounts inside `<bdi>`, scripts and styles. What is left holds no English word.
"""

import re
from html.parser import HTMLParser

import pytest

from campaign.mirror.rendering import MIRROR_KEY
from campaign.outcomes.models import OutcomeKind
from campaign.outcomes.telling import record_outcome
from campaign.updates.links import stop_news_links
from campaign.utc_days import utcnow
from config import TestingConfig
from tests.factories.content import make_campaign, make_explainer
from tests.factories.donations import make_appeal
from tests.factories.petitions import make_petition, make_signature
from tests.factories.updates import make_update
from tests.i18n.catalogs import CATALOGS, is_public, read_catalog

TRANSLATED = TestingConfig.LANGUAGES[1:]
# A script may show `data-…-label` (the copy button's words).
READ_ATTRIBUTES = (
    "aria-label",
    "placeholder",
    "title",
    "alt",
    "data-copy-label",
    "data-copied-label",
)
# Words that are the same in every language: names, and what is read as letters.
NAMES = {"Stripe", "Campaign", "Facebook", "Mastodon", "Bluesky", "WhatsApp", "Telegram", "Tor"}
# Terms a translation may gloss with the English word, "كۇكى (cookie)".
NAMES |= {"Cookie", "cookie", "cookies", "hash", "export", "import"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{2,}\b")
# On a page in a Latin-script language (Turkish), a Latin word proves nothing: English shows
# itself by the little words no Turkish sentence has, or as a message of the catalog as it is.
ENGLISH_ONLY = {"the", "and", "your", "you", "this", "with", "for", "are", "our", "from", "will"}
LATIN_SCRIPT = {"tr"}
PUBLIC_MESSAGES = {
    message.id
    for message in read_catalog(CATALOGS / "messages.pot")
    if isinstance(message.id, str) and message.id and is_public(message)
} - NAMES


class SiteWords(HTMLParser):
    """The words of a page that are the site's own, in the page's language."""

    # A page's <title> holds the organisers' words too, and cannot mark their language; its
    # heading, checked, says the same.
    SKIPPED = {"script", "style", "bdi", "code", "title"}
    VOID = {"link", "meta", "img", "input", "br", "hr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.page_language = ""
        self.open: list[bool] = []  # for each open element: is what is inside it skipped
        self.words: list[str] = []

    def handle_starttag(self, name: str, attrs: list) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if name == "html":
            self.page_language = attributes.get("lang", "")
        skipped = bool(self.open and self.open[-1]) or name in self.SKIPPED
        language = attributes.get("lang")
        # Another language's words: an organiser's text, or the switcher's own names.
        skipped = skipped or bool(language and language != self.page_language)
        if not skipped:
            self.words += [attributes[key] for key in READ_ATTRIBUTES if attributes.get(key)]
            if name == "input" and attributes.get("type") in {"submit", "button"}:
                self.words.append(attributes.get("value", ""))
        if name not in self.VOID:
            self.open.append(skipped)

    def handle_endtag(self, name: str) -> None:
        if name not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]) and data.strip():
            self.words.append(data.strip())


def english_left(html: str) -> list[str]:
    reader = SiteWords()
    reader.feed(html)
    if reader.page_language in LATIN_SCRIPT:
        return [text for text in reader.words if is_english(text)]
    return [
        text
        for text in reader.words
        if any(word not in NAMES for word in ENGLISH_WORD.findall(text))
    ]


def is_english(text: str) -> bool:
    words = {word.lower() for word in ENGLISH_WORD.findall(text)}
    return bool(words & ENGLISH_ONLY) or text in PUBLIC_MESSAGES


@pytest.fixture
def world(session) -> dict:
    """One of everything a reader can open, written in English by the organisers; what the
    paths need to name it."""
    campaign = make_campaign(slug="free-them", title="Free them", language="en")
    make_explainer(campaign, slug="the-cables", title="The cables")
    petition = make_petition(campaign, slug="let-them-in", title="Let them in", goal=100)
    make_appeal(campaign, slug="fund-it", title="Fund the work")
    make_update(
        slug="cables-out",
        subject="The cables are out",
        campaign_id=campaign.id,
        cta_petition_id=petition.id,
        publish_on_site=True,
        published_at=utcnow(),
    )
    record_outcome(petition, OutcomeKind.DELIVERED, "We handed it in.")
    signature = make_signature(petition)
    session.commit()
    return {"stop_token": stop_news_links()(signature).rsplit("/", 1)[1]}


PAGES = [
    "/",
    "/c/free-them",
    "/explainers/the-cables",
    "/petitions/let-them-in",
    "/donate/fund-it",
    "/subscribe",
    "/updates/cables-out",
    "/privacy",
    "/no/such/page",
    "/petition-news/stop/{stop_token}",
    "/petition-news/stop/not-a-token",
]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("path", PAGES)
def test_a_translated_page_has_no_english_of_the_sites_own(world, client, language, path):
    response = client.get(f"/{language}{path.format(**world)}")

    assert response.status_code in {200, 404}
    assert english_left(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("path", PAGES)
def test_a_translated_page_in_a_mirror_has_no_english_of_the_sites_own(
    world, client, app_settings, language, path
):
    """As `flask mirror export` renders it: the live-site note instead of forms, the saved-on
    line, and the onion address's "With Tor Browser"."""
    app_settings(SITE_ONION_URL="http://" + "campaign2" * 6 + "ab.onion")

    response = client.get(f"/{language}{path}", environ_base={MIRROR_KEY: utcnow()})

    assert response.status_code in {200, 404}
    assert english_left(response.get_data(as_text=True)) == []


def test_the_check_finds_english_left_on_a_page():
    page = (
        '<html lang="ug"><body><h1>ئىمزا قويۇڭ</h1><p lang="en">Free them</p>'
        "<bdi>Ada Lovelace</bdi><button>Sign the petition</button>"
        '<input type="text" placeholder="Your name"></body></html>'
    )

    assert english_left(page) == ["Sign the petition", "Your name"]
    turkish = page.replace('lang="ug"', 'lang="tr"', 1).replace("ئىمزا قويۇڭ", "İmzalayın")  # noqa: RUF001 (Turkish)

    assert english_left(turkish) == ["Sign the petition", "Your name"]
