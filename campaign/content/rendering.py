"""Markdown to safe HTML: CommonMark via markdown-it-py, then an allow-list sanitiser (nh3).

Explainers and updates are rendered once, when saved; pages serve the stored HTML.
"""

import html
import math
import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from campaign.security import is_local_path

WORDS_PER_MINUTE = 200

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    **{f"h{level}": {"id"} for level in range(1, 7)},
}
URL_SCHEMES = {"http", "https", "mailto"}
# An image as nh3 writes it: lowercase names, every value in double quotes, `<` `>` `"` escaped.
_IMAGE = re.compile(r'<img((?:\s+[a-z-]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": True})
    md.enable(["replacements", "smartquotes", "table", "strikethrough"])
    anchors_plugin(md, min_level=2, max_level=3, permalink=True, permalinkSymbol="#")
    return md


_MD = _markdown()


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    # Images may only come from this site: an image from elsewhere would tell another
    # server who is reading the page. A local path, not just a leading "/": browsers load
    # "/\host/x.png" (and "/<tab>/host/x.png") from `host`.
    if element == "img" and attribute == "src" and not is_local_path(value):
        return None
    return value


def _image_or_its_description(match: re.Match) -> str:
    # An image whose source was refused would show as a broken-image box: its text instead.
    attributes = dict(_ATTRIBUTE.findall(match.group(1)))
    if "src" in attributes:
        return match.group(0)
    return html.escape(html.unescape(attributes.get("alt", "")), quote=False)


def render_markdown(text: str) -> str:
    """Render Markdown to HTML that is safe to put in a page as it is."""
    clean = nh3.clean(
        _MD.render(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
        strip_comments=True,
    )
    return _IMAGE.sub(_image_or_its_description, clean)


def reading_minutes(text: str) -> int:
    """Minutes an adult needs to read the text, at least one."""
    words = len(re.findall(r"\w+", text or ""))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
