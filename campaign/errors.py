"""Error pages in the site's layout; a failed request rolls its transaction back."""

import logging
import traceback

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from werkzeug.exceptions import BadRequest, HTTPException

from campaign.extensions import db
from campaign.security import allow_framing

log = logging.getLogger(__name__)

# Lazy: each is read in the language of the request that fails.
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is no page at this address."),
    405: _l("This address does not accept that kind of request."),
    409: _l(
        "Someone else changed the same thing at the same moment. Go back, reload and try again."
    ),
    413: _l("What you sent is too large."),
    429: _l("Too many attempts. Please wait a little and try again."),
    500: _l("Something went wrong on our side. Nothing you did caused it; please try again."),
}


class Refusal(BadRequest):
    """A 400 whose description is a sentence for the person who sent the request, marked for
    translation (`_l` where it is made at import)."""


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(IntegrityError, conflict_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


def _page(status: int, message: str):
    message = str(message)  # a lazy message becomes the request's language here
    if request.accept_mimetypes.best == "application/json":
        return {"error": message}, status
    response = make_response(
        render_template("errors/error.html", status=status, message=message), status
    )
    if _posted_from_embed():
        # A refusal of the partner-embedded sign form must show inside the partner's frame.
        allow_framing(response)
    return response


def _posted_from_embed() -> bool:
    if request.method != "POST":
        return False
    try:
        return request.form.get("embed") == "1"
    except HTTPException:
        # A body too large to parse (413) raises again on each read: this page must not.
        return False


def http_error(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    if isinstance(error, Refusal):
        return _page(status, error.description)
    # Werkzeug's and extensions' own descriptions are written for developers.
    return _page(status, MESSAGES.get(status) or _("Error."))


def csrf_error(error: CSRFError):
    return _page(400, _("This form has expired. Please go back, reload the page and try again."))


def database_error_summary(error: DBAPIError) -> str:
    """What a database error may say in a log: its kind and first line, never row values.

    PostgreSQL's DETAIL line quotes the values of the row (a signer's email, say); the
    statement's parameters are already hidden by the engine (`hide_parameters`).
    """
    first_line = str(error.orig).split("\n", 1)[0]
    return f"{type(error.orig).__name__}: {first_line}"


def conflict_error(error: IntegrityError):
    # Forms check uniqueness first; this is the race two people can still lose.
    db.session.rollback()
    summary = database_error_summary(error)
    log.warning("integrity error on %s %s: %s", request.method, request.path, summary)
    return _page(409, MESSAGES[409])


def unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, DBAPIError):
        # The frames, for debugging, and a summary without the row's values.
        log.error(
            "database error on %s %s: %s\n%s",
            request.method,
            request.path,
            database_error_summary(error),
            "".join(traceback.format_tb(error.__traceback__)),
        )
    else:
        log.exception("unhandled error on %s %s", request.method, request.path)
    return _page(500, MESSAGES[500])
