"""Driving forms the way a browser does: fetch the page, keep its CSRF token, post."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask_babel import force_locale, gettext, ngettext

from campaign.accounts.reauth import CHECKED_AT
from campaign.db import utcnow
from campaign.i18n.languages import babel_locale
from tests.factories.accounts import PASSWORD

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str) -> str:
    """The CSRF token from the form on `url`."""
    page = client.get(url)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token in the page at {url} ({page.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """Post `data` to `url` with the CSRF token of the form shown at `form_url` (or `url`)."""
    data = {"csrf_token": csrf_token(client, form_url or url)} | data
    return client.post(url, data=data, **kwargs)


def last_checked_an_hour_ago(client) -> None:
    """As if the organiser last proved it was them an hour ago (past REAUTH_MINUTES)."""
    with client.session_transaction() as stored:
        stored[CHECKED_AT] = utcnow().timestamp() - 3600


def sign_in(client, user, password: str = PASSWORD, code: str | None = None):
    """Sign in with the password, then with `code` when the account asks for a second factor."""
    response = post_form(client, "/admin/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    if code is not None:
        assert response.headers["Location"] == "/admin/login/code"
        response = post_form(client, "/admin/login/code", {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
    return response


@dataclass
class ShownForm:
    """A form as a browser holds it: what it would submit, and which options the page selected."""

    values: dict[str, str] = field(default_factory=dict)
    selected: dict[str, str | None] = field(default_factory=dict)


class _FormReader(HTMLParser):
    """Reads the one form that posts to `action` as a browser would submit it."""

    def __init__(self, action: str, page_url: str) -> None:
        super().__init__()
        self.action, self.page_url = action, page_url
        self.form: ShownForm | None = None
        self._inside = False
        self._select: str | None = None  # the name of the select being read
        self._options: list[str] = []
        self._textarea: str | None = None  # the name of the textarea being read
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: "" if value is None else value for name, value in attrs}
        # A form without an action posts to its own page.
        target = attributes.get("action", self.page_url).split("#")[0]
        if tag == "form" and target == self.action:
            self.form, self._inside = ShownForm(), True
        if not self._inside or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.form.values[name] = attributes.get("value", "on")
            elif kind not in ("submit", "button", "reset", "image"):
                self.form.values[name] = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._options = name, []
            self.form.selected[name] = None
        elif tag == "option" and self._select is not None:
            # Every option our templates write has a value attribute.
            self._options.append(attributes["value"])
            if "selected" in attributes:
                self.form.selected[self._select] = attributes["value"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if not self._inside:
            return
        if tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            # A line break right after <textarea> belongs to the markup, not to the value.
            self.form.values[self._textarea] = re.sub(r"^\r?\n", "", self._text, count=1)
            self._textarea = None
        elif tag == "select" and self._select is not None:
            # With no option selected, a browser submits the first one.
            chosen = self.form.selected[self._select]
            if chosen is None and self._options:
                chosen = self._options[0]
            if chosen is not None:
                self.form.values[self._select] = chosen
            self._select = None


def shown_form(client, url: str, action: str | None = None) -> ShownForm:
    """The form posting to `action` (default `url`) on the page at `url`."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    reader = _FormReader(action or url, url)
    reader.feed(page.get_data(as_text=True))
    assert reader.form is not None, f"no form posting to {action or url} on {url}"
    return reader.form


def resubmit(client, url: str, **buttons: str):
    """Open the form at `url` and post it back unchanged, pressing `buttons` (name=value)."""
    form = shown_form(client, url)
    return client.post(url, data=form.values | buttons)


def in_language(
    language: str, msgid: str, plural: str | None = None, num: int = 1, **values
) -> str:
    """What the catalog of `language` says for a message: what a page in it should show.

    Needs an application context; `plural` and `num` for a message with plural forms.
    """
    with force_locale(babel_locale(language)):
        if plural is not None:
            return ngettext(msgid, plural, num, **values)
        return gettext(msgid, **values)


def svg_in(html: str, chart_id: str):
    """The chart with `chart_id` on a page, parsed as XML (it fails if it is not well-formed)."""
    match = re.search(rf'<svg [^>]*id="{chart_id}".*?</svg>', html, re.S)
    assert match, f"no chart {chart_id} on the page"
    return ET.fromstring(match.group())  # noqa: S314 - our own markup, not a stranger's
