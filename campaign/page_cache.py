"""Public pages kept in each process for about a second and served without running the app.

A surge is thousands of anonymous readers asking for the same few pages. A CDN would carry it
but would see every reader, so each process keeps the pages itself: a view that renders the
same bytes for every anonymous reader says so (`share`), and for PAGE_CACHE_SECONDS after the
data behind it was read, the same request (scheme, host, path and query) is answered from
memory, gzipped for clients that accept it, or with a 304 when the client's ETag matches.

What keeps it correct:
- only answers to requests without the session (or remember-me) cookie are stored or served:
  an organiser sees what the database holds now, and nothing shaped by one person is kept;
- only 200 answers that set no cookie and whose view called `share`: a draft, an error page or
  a form with a token is never kept;
- an entry counts its age from when its data was read (a count kept for a moment is older
  than the page built from it), so what readers see is at most PAGE_CACHE_SECONDS behind;
- when an entry expires, one request renders it again while the others are answered with the
  old copy for that moment (a surge does not render one page many times at once); if the new
  answer may not be kept (the page was unpublished), the old copy is dropped; if the server
  was too busy to render it, the old copy is served a little longer.
Languages are part of the path, so a page in one language is never served for another.
"""

import gzip
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.http import parse_accept_header, parse_etags, unquote_etag

# The WSGI environ key through which a view tells the cache its answer may be kept.
SHARED = "campaign.page_cache.as_of"
# Set by the load shedder on a request that would wait too long (see load_shedding.py).
BUSY = "campaign.busy"
# Bodies smaller than this are sent as they are: gzip would save too little to be worth it.
GZIP_FROM = 512
LARGEST_BODY = 1024 * 1024
# Headers that describe one encoding of the body: set per answer, never stored.
_PER_BODY = frozenset({"content-length", "content-encoding"})

T = TypeVar("T")


def share(as_of: float | None = None) -> None:
    """Let the page cache keep this answer for every anonymous reader.

    `as_of` is when the data behind the page was read (time.monotonic()), if earlier than now.
    """
    previous = request.environ.get(SHARED)
    moment = time.monotonic() if as_of is None else as_of
    request.environ[SHARED] = moment if previous is None else min(previous, moment)


def kept_for_a_moment(store: str, key: Hashable, read: Callable[[], T]) -> tuple[T, float]:
    """`read()`, called at most once per PAGE_CACHE_SECONDS in this process for each key, and
    when it was called (time.monotonic()): an answer built from it is as old as that.

    What a surge reads on every request (a count, the petition being signed) is read once a
    moment instead. None is never kept, so asking for names that do not exist fills no memory.
    """
    kept = current_app.extensions.setdefault("kept_for_a_moment", {}).setdefault(store, {})
    now = time.monotonic()
    found = kept.get(key)
    if found is not None and now - found[1] < current_app.config["PAGE_CACHE_SECONDS"]:
        return found
    fresh = (read(), now)
    if fresh[0] is not None:
        kept[key] = fresh
    return fresh


@dataclass
class CachedPage:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    gzipped: bytes | None
    etag: str | None
    as_of: float
    refreshing: bool = field(default=False)


class PageCache:
    """WSGI middleware in front of the Flask app; one per process."""

    def __init__(
        self,
        app: Callable,
        seconds: float,
        entries: int,
        private_cookies: tuple[str, ...],
    ) -> None:
        self.app = app
        self.seconds = seconds
        self.entries = entries
        self.private_cookies = tuple(f"{name}=" for name in private_cookies)
        self.pages: dict[tuple, CachedPage] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if (
            not self.seconds
            or method not in ("GET", "HEAD")
            or self._is_private(environ.get("HTTP_COOKIE", ""))
            or "HTTP_AUTHORIZATION" in environ
        ):
            return self.app(environ, start_response)
        key = (
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
        )
        page = self.pages.get(key)
        if page is not None and (self._is_fresh(page) or not self._renders_again(page, method)):
            return self._serve(page, environ, start_response)
        if method == "HEAD":
            return self.app(environ, start_response)  # its answer has no body to keep
        return self._render(key, page, environ, start_response)

    def _is_private(self, cookies: str) -> bool:
        return bool(cookies) and any(name in cookies for name in self.private_cookies)

    def _is_fresh(self, page: CachedPage) -> bool:
        return time.monotonic() - page.as_of < self.seconds

    def _renders_again(self, page: CachedPage, method: str) -> bool:
        """True for the one GET that renders an expired page again."""
        if method != "GET":
            return True  # a HEAD goes to the app, which keeps nothing from it
        with self.lock:
            if page.refreshing:
                return False  # another request is rendering it right now: serve the old copy
            page.refreshing = True
            return True

    def _render(
        self, key: tuple, old: CachedPage | None, environ: dict, start_response: Callable
    ) -> Iterable[bytes]:
        if old is not None:
            # The one request renewing a kept page: even past capacity, once a second is cheap.
            environ.pop(BUSY, None)
        # The app renders the whole page, to keep; the reader's own ETag is answered below.
        if_none_match = environ.pop("HTTP_IF_NONE_MATCH", None)
        answer: list = []

        def record(status: str, headers: list, exc_info=None):
            # Held back until we know whether the stored copy, gzipped, goes out instead.
            answer[:] = [status, headers, exc_info]
            return _no_write

        try:
            body = self.app(environ, record)
            status, headers, exc_info = answer
            as_of = environ.get(SHARED)
            if (
                as_of is None
                or not status.startswith("200")
                or any(name.lower() == "set-cookie" for name, _ in headers)
            ):
                self._forget(key)
                start_response(status, headers, exc_info)
                return body
            content = _read(body)
        except BaseException:
            self._forget(key)
            raise
        if len(content) > LARGEST_BODY:
            self._forget(key)
            start_response(status, headers)
            return [content]
        page = self._store(key, status, headers, content, as_of)
        if if_none_match is not None:
            environ["HTTP_IF_NONE_MATCH"] = if_none_match
        return self._serve(page, environ, start_response)

    def _store(
        self, key: tuple, status: str, headers: list, content: bytes, as_of: float
    ) -> CachedPage:
        kept = Headers([(name, value) for name, value in headers if name.lower() not in _PER_BODY])
        kept.update(Vary=", ".join(filter(None, [kept.get("Vary"), "Accept-Encoding"])))
        squeezed = gzip.compress(content, compresslevel=6) if len(content) >= GZIP_FROM else None
        page = CachedPage(
            status=status,
            headers=kept.to_wsgi_list(),
            body=content,
            gzipped=squeezed if squeezed is not None and len(squeezed) < len(content) else None,
            etag=kept.get("ETag"),
            as_of=as_of,
        )
        with self.lock:
            self.pages.pop(key, None)
            while len(self.pages) >= self.entries:
                del self.pages[next(iter(self.pages))]  # the oldest stored
            self.pages[key] = page
        return page

    def _forget(self, key: tuple) -> None:
        with self.lock:
            self.pages.pop(key, None)

    def _serve(self, page: CachedPage, environ: dict, start_response: Callable) -> list[bytes]:
        if page.etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(
            unquote_etag(page.etag)[0]
        ):
            start_response("304 Not Modified", page.headers)
            return []
        body = page.body
        headers = list(page.headers)
        if page.gzipped is not None and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            body = page.gzipped
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response(page.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _no_write(data: bytes) -> None:
    raise RuntimeError("behind the page cache, a view returns its body; it cannot write() it")


def _read(body: Iterable[bytes]) -> bytes:
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def _accepts_gzip(value: str) -> bool:
    if "gzip" not in value and "*" not in value:
        return False
    if ";" not in value:
        return True
    return parse_accept_header(value).quality("gzip") > 0


def install(app: Flask) -> Callable[[Callable], Callable]:
    """The page cache around a WSGI app, with PAGE_CACHE_SECONDS (0 keeps nothing)."""

    def around(inner: Callable) -> PageCache:
        cache = PageCache(
            inner,
            seconds=app.config["PAGE_CACHE_SECONDS"],
            entries=app.config["PAGE_CACHE_ENTRIES"],
            # A signed-in organiser's session, or the cookie that signs one in again.
            private_cookies=(
                app.config["SESSION_COOKIE_NAME"],
                app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
            ),
        )
        app.extensions["page_cache"] = cache
        return cache

    return around
