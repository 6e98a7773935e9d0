"""Driving forms the way a browser does: fetch the page, keep its CSRF token, post."""

import re

from tests.factories import PASSWORD

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


def sign_in(client, user, password: str = PASSWORD):
    response = post_form(client, "/admin/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
