"""The links in a page or a stylesheet, found with a real parser and replaced in place.

Only the attributes that load or lead somewhere are read (href, src, srcset, poster); the rest
of the document is kept byte for byte, so a page in the mirror is the page the site served.
"""

import re
from collections.abc import Callable, Iterator
from html import escape
from html.parser import HTMLParser

LINK_ATTRIBUTES = frozenset({"href", "src", "poster"})
SRCSET = "srcset"
# A link the page means to lead to the live site, even from the copy (the form notes): left
# as it is, and not followed.
LIVE_SITE = "data-live-site"
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]*?)(?P=quote)\s*\)""")

# What a link is rewritten to: a new value, the same, or None to drop the attribute.
Rewrite = Callable[[str], str | None]


class _StartTags(HTMLParser):
    """Every start tag with a link attribute: where it is in the text, and its attributes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[int, str, str, list[tuple[str, str | None]]]] = []
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if names & (LINK_ATTRIBUTES | {SRCSET}) and LIVE_SITE not in names:
            line, column = self.getpos()
            raw = self.get_starttag_text() or ""
            self.tags.append((self._line_starts[line - 1] + column, raw, tag, attrs))

    handle_startendtag = handle_starttag


def _start_tags(text: str) -> list[tuple[int, str, str, list[tuple[str, str | None]]]]:
    parser = _StartTags(text)
    parser.feed(text)
    parser.close()
    return parser.tags


def srcset_urls(value: str) -> list[tuple[str, str]]:
    """A srcset's candidates: each URL and what follows it ("2x", "640w" or nothing)."""
    candidates = []
    for candidate in value.split(","):
        url, _, descriptor = candidate.strip().partition(" ")
        if url:
            candidates.append((url, descriptor.strip()))
    return candidates


def html_links(text: str) -> Iterator[str]:
    """Each link in an HTML document, but those marked as leading to the live site."""
    for _, _, _, attrs in _start_tags(text):
        for name, value in attrs:
            if value is None:
                continue
            if name in LINK_ATTRIBUTES:
                yield value
            elif name == SRCSET:
                yield from (url for url, _ in srcset_urls(value))


def rewrite_html(text: str, rewrite: Rewrite) -> str:
    """The document with every link passed through `rewrite`; tags it changes are rebuilt."""
    pieces, done = [], 0
    for offset, raw, tag, attrs in _start_tags(text):
        rebuilt = _rewritten_tag(tag, attrs, rewrite, raw.endswith("/>"))
        if rebuilt is None:
            continue
        pieces += [text[done:offset], rebuilt]
        done = offset + len(raw)
    pieces.append(text[done:])
    return "".join(pieces)


def _rewritten_tag(
    tag: str, attrs: list[tuple[str, str | None]], rewrite: Rewrite, self_closing: bool
) -> str | None:
    """The tag rebuilt with its links rewritten, or None when none of them changed."""
    changed, kept = False, []
    for name, value in attrs:
        new = value
        if value is not None and name in LINK_ATTRIBUTES:
            new = rewrite(value)
        elif value is not None and name == SRCSET:
            candidates = [(rewrite(url), descriptor) for url, descriptor in srcset_urls(value)]
            new = ", ".join(
                f"{url} {descriptor}".strip() for url, descriptor in candidates if url is not None
            )
        changed = changed or new != value
        if new is not None or value is None:
            kept.append((name, new))
    if not changed:
        return None
    parts = [tag] + [
        name if value is None else f'{name}="{escape(value, quote=True)}"' for name, value in kept
    ]
    return "<" + " ".join(parts) + (" />" if self_closing else ">")


def css_links(text: str) -> list[str]:
    """Each url(...) in a stylesheet."""
    return [match["url"] for match in CSS_URL.finditer(text)]


def rewrite_css(text: str, rewrite: Rewrite) -> str:
    """The stylesheet with each url(...) passed through `rewrite` (a dropped one becomes "")."""

    def replace(match: re.Match) -> str:
        new = rewrite(match["url"])
        return match[0] if new == match["url"] else f'url("{new or ""}")'

    return CSS_URL.sub(replace, text)
