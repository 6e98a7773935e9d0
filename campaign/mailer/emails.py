"""The mail pipeline's own emails: each returns its template's context."""

from flask import current_app


def transport_check(requested_by: str) -> dict:
    """A message an organiser sends to themselves to check the transport."""
    return {"requested_by": requested_by, "transport": current_app.config["MAIL_TRANSPORT"]}
