"""Each language at its own addresses: `/ug/…` is Uyghur, the default language is at the root.

A language is chosen by the path alone, never by a cookie or Accept-Language, so every page
stays cacheable and shareable as it is. The prefix moves from PATH_INFO to SCRIPT_NAME before
Flask routes the request, so every `url_for` in that request keeps it without being asked.
"""

import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, has_request_context, request, url_for
from flask_babel import Babel, get_locale
from markupsafe import Markup

from campaign.i18n.languages import babel_locale, language_name, open_graph_locale, text_direction

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
# The WSGI environ keys through which the prefix reaches the app.
LANGUAGE_KEY = "campaign.language"
_LOCALISED = "campaign.localised_blueprints"


class LanguageFromPath:
    """WSGI: `/ug/petitions/x` reaches Flask as SCRIPT_NAME `/ug` and path `/petitions/x`."""

    def __init__(self, app: Callable, languages: Iterable[str]) -> None:
        self.app = app
        self.prefixes = set(languages)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        first, _, rest = environ.get("PATH_INFO", "")[1:].partition("/")
        if first in self.prefixes:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + first
            environ["PATH_INFO"] = "/" + rest
            environ[LANGUAGE_KEY] = first
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    languages = app.config["LANGUAGES"]
    app.config["BABEL_DEFAULT_LOCALE"] = babel_locale(languages[0])
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(CATALOGS)
    Babel(app, locale_selector=_locale_of_request)
    # `{% trans %}` blocks are looked up with their whitespace folded, as pybabel extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.before_request(_refuse_prefix_outside_public_pages)
    # Fonts are served with their type whatever the machine's mime.types says.
    mimetypes.add_type("font/woff2", ".woff2")
    app.jinja_env.globals.update(
        url_for=url_for_page,
        current_language=current_language,
        localised_page=localised_page,
        language_versions=language_versions,
        other_language=other_language,
        open_graph_locale=open_graph_locale,
    )
    app.context_processor(lambda: {"page_language": current_language()})
    # Innermost, so the page cache and load shedder around it still see the whole path.
    app.wsgi_app = LanguageFromPath(app.wsgi_app, languages[1:])


def serve_in_every_language(app: Flask, blueprint: Blueprint, **options) -> None:
    """Register a public blueprint: its pages answer at the root and under each language."""
    app.register_blueprint(blueprint, **options)
    app.extensions.setdefault(_LOCALISED, set()).add(blueprint.name)


def url_for_page(endpoint: str, **values) -> str:
    """`url_for` for templates: public pages keep the page's language, the rest have one URL.

    Static files, the console and webhooks are the same in every language, so a reader moving
    from one language to another downloads the stylesheet and fonts once.
    """
    url = url_for(endpoint, **values)
    language = request.environ.get(LANGUAGE_KEY) if has_request_context() else None
    if language and not is_localised(endpoint) and not values.get("_external"):
        root = request.script_root
        url = root.removesuffix("/" + language) + url.removeprefix(root)
    return url


def default_language() -> str:
    return current_app.config["LANGUAGES"][0]


def current_language() -> str:
    """The language this page or email is in: the request's prefix, or the forced locale."""
    locale = str(get_locale() or "")
    for tag in current_app.config["LANGUAGES"]:
        if babel_locale(tag) == locale:
            return tag
    return default_language()


def shipped_language(tag: str | None) -> str:
    """A tag as the site ships it ("zh-hans" -> "zh-Hans"), or the default language."""
    for shipped in current_app.config["LANGUAGES"]:
        if tag and shipped.lower() == tag.lower():
            return shipped
    return default_language()


def language_prefix(language: str) -> str:
    """The path before a page in that language: "" for the default, "/ug" for Uyghur."""
    return "" if language == default_language() else "/" + language


def is_localised(endpoint: str) -> bool:
    blueprint = endpoint.rpartition(".")[0]
    return blueprint in current_app.extensions.get(_LOCALISED, ())


def localised_page() -> bool:
    """Whether this request is one of the pages served in every language."""
    return has_request_context() and bool(request.endpoint) and is_localised(request.endpoint)


def path_in_every_language(endpoint: str, **values) -> str:
    """An endpoint's path without a language prefix, for `language_versions(paths=…)`."""
    return current_app.url_map.bind("site.invalid").build(endpoint, values)


def language_versions(paths: dict[str, str] | None = None) -> list[dict]:
    """This page in every language: tag, name, direction, path, and absolute URL for hreflang.

    `paths` gives a language its own page (an explainer's translation has its own address);
    every other language shows the page at this address.
    """
    paths = paths or {}
    site_url = current_app.config["SITE_URL"]
    versions = []
    for tag in current_app.config["LANGUAGES"]:
        path = language_prefix(tag) + paths.get(tag, request.path)
        versions.append(
            {
                "language": tag,
                "name": language_name(tag),
                "dir": text_direction(tag),
                "path": request.environ.get("SCRIPT_NAME", "").removesuffix(
                    language_prefix(current_language())
                )
                + path,
                "url": site_url + path,
                "current": tag == current_language(),
            }
        )
    return versions


def other_language(tag: str | None) -> Markup:
    """` lang="…" dir="…"` for text in a language other than the page's, else nothing."""
    if not tag or tag.lower() == current_language().lower():
        return Markup("")
    return Markup(' lang="{}" dir="{}"').format(tag, text_direction(tag))


def _locale_of_request() -> str:
    if has_request_context():
        return babel_locale(request.environ.get(LANGUAGE_KEY) or default_language())
    return babel_locale(default_language())


def _refuse_prefix_outside_public_pages() -> None:
    # The console, webhooks and health checks have one address each; static files and
    # unknown paths (a 404 in the reader's language) pass.
    endpoint = request.endpoint
    if (
        LANGUAGE_KEY in request.environ
        and endpoint
        and endpoint != "static"
        and not is_localised(endpoint)
    ):
        abort(404)
