"""The forms a page shows, read the way a browser would submit them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class PageForm:
    action: str  # a path on this site
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    # Named submit buttons (`direction=up`, `action=pay`): each is one way to send the form.
    buttons: list[tuple[str, str]] = field(default_factory=list)


class _FormReader(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page_path, attributes.get("action") or self.page_path))
            path = action.path + (f"?{action.query}" if action.query else "")
            self.current = PageForm(path, (attributes.get("method") or "get").upper())
            self.forms.append(self.current)
            return
        if tag == "option":
            self._option(attributes)
            return
        if self.current is None or not attributes.get("name"):
            return
        name = attributes["name"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind == "submit":
                self.current.buttons.append((name, attributes.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if "checked" in attributes or name not in self.current.fields:
                    self.current.fields[name] = attributes.get("value", "on")
            elif kind != "file":
                self.current.fields[name] = attributes.get("value", "")
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self.current.buttons.append((name, attributes.get("value", "")))
        elif tag == "select":
            self.select = name
        elif tag == "textarea":
            self.textarea = name
            self.current.fields[name] = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea:
            self.current.fields[self.textarea] += data

    def _option(self, attributes: dict[str, str]) -> None:
        if self.current is None or self.select is None:
            return
        if "selected" in attributes or self.select not in self.current.fields:
            self.current.fields[self.select] = attributes.get("value", "")


def forms_on(page_path: str, html: str) -> list[PageForm]:
    """Every form in `html`, with the values a browser would send if nothing were typed."""
    reader = _FormReader(page_path)
    reader.feed(html)
    reader.close()
    return reader.forms
