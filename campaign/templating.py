"""What every template can use: site settings, absolute URLs, language direction."""

from datetime import datetime
from urllib.parse import quote

from flask import Flask, current_app, request
from flask_babel import gettext as _

from campaign.countries import country_name
from campaign.i18n.languages import language_name, text_direction
from campaign.i18n.site import current_language, is_localised, language_prefix


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        country_name=country_name,
        site_url_for=site_url_for,
        language_name=language_name,
        text_direction=text_direction,
        share_links=share_links,
    )
    app.jinja_env.filters["datetime_attribute"] = datetime_attribute
    app.context_processor(site_settings)


def site_settings() -> dict:
    return {
        "site_name": current_app.config["SITE_NAME"],
        "organisation_name": current_app.config["ORGANISATION_NAME"],
    }


def datetime_attribute(moment: datetime) -> str:
    """A moment as `<time datetime>` takes it: to the second (HTML allows 3 decimals, not 6)."""
    return moment.isoformat(timespec="seconds")


def absolute_url(path: str | None = None) -> str:
    """The public address of a path on this site (SITE_URL, never the request's Host).

    A path from `url_for` already has the page's language; without one, it is this page's.
    """
    if path is None:
        path = language_prefix(current_language()) + request.path
    return current_app.config["SITE_URL"] + path


def site_url_for(endpoint: str, *, language: str | None = None, **values) -> str:
    """The public address of an endpoint, built with or without a request (emails, commands).

    A public page is addressed in `language`, by default the one being rendered in.
    """
    # url_for needs a request or SERVER_NAME; binding the map to a placeholder host builds the
    # path alone, and SITE_URL (never a request's Host) supplies the rest.
    path = current_app.url_map.bind("site.invalid").build(endpoint, values)
    if is_localised(endpoint):
        path = language_prefix(language or current_language()) + path
    return current_app.config["SITE_URL"] + path


def share_links(url: str, title: str) -> list[tuple[str, str]]:
    """Plain share links: each opens the network's own page, nothing loads from it here."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        (_("Email"), f"mailto:?subject={t}&body={u}"),
        ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
        ("Telegram", f"https://t.me/share/url?url={u}&text={t}"),
        ("X", f"https://x.com/intent/post?url={u}&text={t}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
    ]
