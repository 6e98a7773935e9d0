"""A stand-in catalog that wraps every message it translates, and readers of what a page or an
email left untranslated: how the language tests see which words went through the catalog."""

import re
from html.parser import HTMLParser

import pytest
from babel.support import NullTranslations
from flask_babel import get_babel

from tests.factories.subscribers import SITE

OPEN, CLOSE = "⟪", "⟫"
# Names of networks on the share buttons: nobody translates "WhatsApp".
BRANDS = {"WhatsApp", "Telegram", "X", "Facebook"}


class WrappingCatalog(NullTranslations):
    """Translates every message by wrapping it, and remembers what it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list = []

    def ugettext(self, message: str) -> str:
        self.asked.append(message)
        return f"{OPEN}{message}{CLOSE}"

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        self.asked.append((singular, plural, n))
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"

    gettext, ngettext = ugettext, ungettext


@pytest.fixture
def uyghur_catalog(app) -> WrappingCatalog:
    """The stand-in catalog as Flask-Babel's Uyghur translations, for one test."""
    domain = get_babel(app).instance.domain_instance
    key = ("ug", domain.domain[0])
    saved = domain.cache.pop(key, None)
    domain.cache[key] = catalog = WrappingCatalog()
    yield catalog
    domain.cache.pop(key, None)
    if saved is not None:
        domain.cache[key] = saved


class TextReader(HTMLParser):
    """The text a reader sees inside <main>, element by element, with each element's own
    `lang`; what sits in a <select> or <script> is left out."""

    SKIPPED = {"select", "script", "style"}
    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.inside_main = False
        self.open: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, str | None]] = []  # (text, language of the text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "main":
            self.inside_main = True
        if tag not in self.VOID:
            self.open.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside_main = False
        while self.open and self.open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.inside_main or any(tag in self.SKIPPED for tag, _ in self.open):
            return
        language = next((a["lang"] for _, a in reversed(self.open) if "lang" in a), None)
        self.texts.append((data, language))


def reader_text(html: str) -> list[tuple[str, str | None]]:
    reader = TextReader()
    reader.feed(html)
    return reader.texts


def left_in_english(html: str, *content: str) -> list[str]:
    """Words in the page's main part that neither went through the catalog nor are content:
    the organisers' words (which carry their own `lang`) or the `content` given."""
    page_text = "".join(text for text, language in reader_text(html) if language in (None, "ug"))
    for words in sorted(content, key=len, reverse=True):
        page_text = page_text.replace(words, " ")
    while True:  # a message may hold another: "⟪Goal: ⟪…⟫⟫" would not, but be sure
        unwrapped = re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", page_text)
        if unwrapped == page_text:
            break
        page_text = unwrapped
    return [word for word in re.findall(r"[A-Za-z][\w'-]*", page_text) if word not in BRANDS]


def untranslated_lines(text_body: str) -> list[str]:
    """The lines of a plain-text email, above its footer, that did not go through the catalog
    (links stand on lines of their own)."""
    above_footer = text_body.split("\n-- \n")[0]
    return [
        line
        for line in above_footer.splitlines()
        if line.strip()
        and not line.startswith(SITE)
        and not (line.startswith(OPEN) and line.endswith(CLOSE))
    ]


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)
