"""The app as it runs: its own database, really committed, served over HTTP in a thread.

The rolled-back session of tests/conftest.py hides whatever depends on the request's end: a
streamed download reads its rows after the view returned and its session closed. Tests of such
things use a site from here, on a database of the kind the suite runs on.
"""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import requests
from flask import Flask
from werkzeug.serving import make_server

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _not_ready(environ: dict, start_response) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


@contextmanager
def served(make_app: Callable[[str], Flask]) -> Iterator[tuple[str, Flask]]:
    """The app `make_app(url)` builds for its own address, served on 127.0.0.1 in a thread."""
    # Bind first: SITE_URL must name the port, and port 0 lets the system pick a free one.
    server = make_server("127.0.0.1", 0, _not_ready, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        server.app = make_app(url)
    except BaseException:
        server.server_close()
        raise
    thread = threading.Thread(target=server.serve_forever, name="live-site", daemon=True)
    thread.start()
    try:
        yield url, server.app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class Visitor(requests.Session):
    """A browser's part in a conversation with the live site: cookies, and the forms' tokens."""

    def __init__(self, site_url: str) -> None:
        super().__init__()
        self.site_url = site_url

    def request(self, method: str, url: str, *args, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.site_url + url, *args, **kwargs)

    def post_form(self, url: str, data: dict, form_url: str | None = None) -> requests.Response:
        """Post `data` with the CSRF token of the form shown at `form_url` (or `url`)."""
        page = self.get(form_url or url)
        match = _TOKEN.search(page.text)
        assert match, f"no CSRF token in the page at {form_url or url} ({page.status_code})"
        return self.post(url, data={"csrf_token": match.group(1)} | data, allow_redirects=False)

    def sign_in(self, email: str, password: str) -> None:
        response = self.post_form("/admin/login", {"email": email, "password": password})
        assert response.status_code == 302, response.text
