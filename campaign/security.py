"""Response headers that keep every page same-origin, and checks on redirects and form posts."""

import base64
import hashlib
from collections.abc import Mapping
from html.parser import HTMLParser
from types import MappingProxyType
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_wtf.csrf import ValidationError, validate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix


class ContentSecurityPolicy:
    """A Content-Security-Policy: each directive and its sources, changed only by a copy."""

    def __init__(self, directives: Mapping[str, tuple[str, ...]]) -> None:
        self.directives = MappingProxyType(dict(directives))

    def with_sources(self, directive: str, *sources: str) -> "ContentSecurityPolicy":
        """This policy with `directive` allowing `sources` instead of what it allowed."""
        if directive not in self.directives:
            # A misspelt name would add a directive browsers ignore, leaving the old one as it is.
            raise KeyError(f"the policy has no {directive!r} directive to widen")
        return ContentSecurityPolicy({**self.directives, directive: sources})

    def __str__(self) -> str:
        return "; ".join(" ".join((name, *sources)) for name, sources in self.directives.items())


# Nothing may load from another origin. `frame-ancestors` is relaxed only by views that mark
# themselves embeddable (see `allow_framing`), `form-action` only by a form whose answer goes
# on to a payment provider's page.
SITE_POLICY = ContentSecurityPolicy(
    {
        "default-src": ("'self'",),
        "img-src": ("'self'", "data:"),
        "style-src": ("'self'",),
        "script-src": ("'self'",),
        "font-src": ("'self'",),
        "connect-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'none'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }
)


_SITE_POLICY_HEADER = str(SITE_POLICY)
_EMBEDDABLE_HEADER = str(SITE_POLICY.with_sources("frame-ancestors", "*"))


class _Styles(HTMLParser):
    """The style attributes and <style> elements of a document, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: set[str] = set()
        self.elements: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.attributes.update(value for name, value in attrs if name == "style" and value)
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.elements.add(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def _sha256(text: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def style_sources(*documents: str) -> list[str]:
    """CSP style-src sources allowing exactly the inline styles of these documents (style
    attributes and <style> elements), each by its SHA-256, and nothing else inline: for a
    console page that shows a document of ours, an email, in a srcdoc frame, which keeps the
    page's policy."""
    found = _Styles()
    for document in documents:
        found.feed(document)
    found.close()
    sources = [_sha256(each) for each in sorted(found.attributes | found.elements)]
    # Hashes cover attributes only with 'unsafe-hashes' (which still allows no other style).
    return ["'unsafe-hashes'", *sources] if found.attributes else sources


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def trust_proxies(app: Flask) -> None:
    """Take the client's address, scheme and host from the configured number of proxies."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def allow_framing(response: Response) -> Response:
    """Let any site put this response in an iframe (the petition embed, and only that)."""
    response.headers["Content-Security-Policy"] = _EMBEDDABLE_HEADER
    response.allow_framing = True
    return response


def add_security_headers(response: Response) -> Response:
    """The headers every response carries, unless a view already chose its own."""
    response.headers.setdefault("Content-Security-Policy", _SITE_POLICY_HEADER)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not getattr(response, "allow_framing", False):
        response.headers.setdefault("X-Frame-Options", "DENY")
    if request.path.startswith("/admin/"):
        # Console pages hold people's data: no browser or proxy may keep a copy.
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "interest-cohort=(), browsing-topics=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    onion = current_app.config["SITE_ONION_URL"]
    if onion and _offers_onion(response, onion):
        # The language prefix sits in the script root (see campaign/i18n/site.py).
        path = request.script_root + request.full_path.rstrip("?")
        response.headers["Onion-Location"] = onion + path
    return response


def _offers_onion(response: Response, onion: str) -> bool:
    """Whether Tor Browser should be told this page is also at the onion address: a public page
    read on the clear-web site, not the console and not on the onion host already."""
    return (
        response.status_code < 400
        and response.mimetype == "text/html"
        and not request.path.startswith("/admin/")
        and request.host.lower() != urlsplit(onion).netloc
    )


def is_local_path(target: str | None) -> bool:
    """True for a path on this site ("/admin/..."), false for anything that could leave it."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# Forms embedded in public pages (subscribe, sign a petition) carry no CSRF token: a token
# needs a session cookie, and those pages set no cookie for anonymous readers and are cached by
# ETag, so they must be the same for everyone. Such a form post is accepted when the browser
# says it comes from one of our own pages; otherwise the view shows its own form page again
# (which has a token) and asks the person to press the button once more. The worst a forged
# post could do is what the form does anyway: start a double opt-in (one capped email) or an
# unconfirmed signature, never a confirmed one.

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> str | None:
    """The scheme://host[:port] of a URL, with the default port left out, or None."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    origin = f"{scheme}://{parts.hostname.lower()}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        origin += f":{port}"
    return origin


def request_is_same_origin() -> bool:
    """True when the browser says this request was sent by a page of this site."""
    # Browsers set Sec-Fetch-Site themselves (pages cannot forge it) on https and localhost;
    # elsewhere the Origin header tells (our `Referrer-Policy: same-origin` keeps it real; a
    # stricter policy makes browsers send `Origin: null` even from our own pages).
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return False
    ours = {_origin(current_app.config["SITE_URL"]), _origin(request.host_url)}
    return _origin(origin) in ours - {None}


def form_post_is_ours() -> bool:
    """True for a form post with a valid CSRF token, or one sent from our own origin."""
    if request_is_same_origin():
        return True
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    try:
        validate_csrf(request.form.get(field))
    except ValidationError:
        return False
    return True
