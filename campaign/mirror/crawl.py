"""Read the public site through the app, as a reader would, starting at each language's home
and at every record's page (seeds.py).

Only GET, only links on the site's own pages (href, src, srcset and CSS url()), never the
console or webhooks; forms are not followed (in the copy they are notes, see rendering.py).
"""

import posixpath
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from flask import Flask

from campaign.i18n.site import language_prefix
from campaign.mirror import links
from campaign.mirror.rendering import MIRROR_KEY
from campaign.mirror.seeds import record_pages

# The copy is read under a host of its own: no link to it can leave the site, and the page
# cache (keyed on the host) never mixes its pages with the live site's.
HOST = "mirror.invalid"
ORIGIN = f"http://{HOST}"
NEVER_FOLLOWED = ("/admin", "/webhooks")


@dataclass
class Fetched:
    """One answer of the site: where it was read, what it is, and its bytes."""

    path: str
    mimetype: str
    body: bytes

    @property
    def file(self) -> str:
        """Its file in the copy: a page is a folder's index.html, anything else keeps its name.

        Folders, not `name.html`: a static host serves `/c/x/` from the folder, and a reader
        of the files on a disk follows links that name each index.html.
        """
        name = unquote(self.path).strip("/")
        if self.mimetype == "text/html":
            return f"{name}/index.html" if name else "index.html"
        return name

    def has_file_name(self) -> bool:
        """Whether its path can be a file inside the copy (no empty, "." or ".." part)."""
        name = unquote(self.path).strip("/")
        if not name:
            return self.mimetype == "text/html"
        return not any(part in ("", ".", "..") or "\\" in part for part in name.split("/"))

    def links(self) -> list[str]:
        """The links in it, if it is a page or a stylesheet."""
        if self.mimetype == "text/html":
            return list(links.html_links(self.text()))
        if self.mimetype == "text/css":
            return links.css_links(self.text())
        return []

    def text(self) -> str:
        """A page or stylesheet as text (the site writes UTF-8)."""
        return self.body.decode("utf-8")


@dataclass
class Site:
    """Everything the crawl read, by path, and the links that led nowhere it could copy.

    `origins` are the addresses the site's own links may start with: the crawl's, SITE_URL
    (calls to action and Markdown bodies link absolutely) and SITE_ONION_URL.
    """

    origins: tuple[str, ...]
    pages: dict[str, Fetched] = field(default_factory=dict)
    unreachable: dict[str, str] = field(default_factory=dict)  # path: why it is left out

    def site_path(self, page_path: str, link: str) -> str | None:
        """The path `link` on the page at `page_path` leads to on this site, or None."""
        parts = urlsplit(urljoin(ORIGIN + page_path, link.strip()))
        address = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        for origin in self.origins:
            if address == origin or address.startswith(origin + "/"):
                return address.removeprefix(origin) or "/"
        return None

    def relative_link(self, page: Fetched, link: str) -> str | None:
        """`link` on `page` as the copy has it: relative to the page's file when it is on the
        site (None when the copy lacks it), as it is when it leads elsewhere."""
        if not link or link.startswith("#"):
            return link
        target = self.site_path(page.path, link)
        if target is None:
            return link
        found = self.pages.get(target)
        if found is None:
            return None
        start = posixpath.dirname(page.file) or "."
        relative = quote(posixpath.relpath(found.file, start))
        fragment = urlsplit(link).fragment
        return relative + ("#" + fragment if fragment else "")


def followed(path: str, languages: tuple[str, ...]) -> bool:
    """Whether the crawl reads `path`: not the console or webhooks, in any language."""
    first, _, rest = path[1:].partition("/")
    if first in languages[1:]:
        path = "/" + rest
    return not any(path == root or path.startswith(root + "/") for root in NEVER_FOLLOWED)


def crawl(app: Flask, exported_at: datetime) -> Site:
    """Read every public page reachable from the homes, with their styles, scripts and images."""
    languages = app.config["LANGUAGES"]
    origins = (ORIGIN, app.config["SITE_URL"], app.config["SITE_ONION_URL"])
    site = Site(origins=tuple(origin for origin in origins if origin))
    with app.app_context():
        homes = [language_prefix(language) + "/" for language in languages]
        seeds = set(record_pages())  # a draft's 404 among them is no broken link
    queue, seen = deque([*homes, *sorted(seeds)]), {*homes, *seeds}
    client = app.test_client()
    while queue:
        path = queue.popleft()
        # Each request in its own app context, as in production: own `g`, own database session.
        with app.app_context():
            response = client.get(path, base_url=ORIGIN, environ_base={MIRROR_KEY: exported_at})
        with response:
            page = Fetched(path=path, mimetype=response.mimetype, body=response.get_data())
            status = response.status_code
        if status != 200:
            if path not in seeds:
                site.unreachable[path] = f"it answered {status}"
            continue
        if not page.has_file_name():
            site.unreachable[path] = "its address cannot be a file name"
            continue
        site.pages[path] = page
        for link in page.links():
            target = site.site_path(path, link)
            if target and target not in seen and followed(target, languages):
                seen.add(target)
                queue.append(target)
    return site
