"""What templates ask while the mirror is being made: is this page for the copy, and where is
the live site that takes signatures, gifts and subscriptions."""

from datetime import datetime

from flask import current_app, has_request_context, request

from campaign.i18n.site import current_language, language_prefix

# The WSGI environ key the export sets on each request it makes: the moment of the export.
# It cannot come from outside: a client's headers reach the environ only as HTTP_* keys.
MIRROR_KEY = "campaign.mirror.exported_at"


def mirror_copy() -> datetime | None:
    """When the copy this page is rendered for was made, or None on the live site."""
    if not has_request_context():
        return None
    return request.environ.get(MIRROR_KEY)


def live_site_addresses() -> list[dict]:
    """This page on the live site: its web address, then its onion address when it has one."""
    path = language_prefix(current_language()) + request.path
    addresses = [{"url": current_app.config["SITE_URL"] + path, "onion": False}]
    onion = current_app.config["SITE_ONION_URL"]
    if onion:
        addresses.append({"url": onion + path, "onion": True})
    return addresses
