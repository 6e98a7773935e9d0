"""HTTP validators for public pages: an ETag and Last-Modified per cached revision.

Models that change what public pages show name a revision (`__cache_revision__`). Any flush
that touches one bumps that revision's counter, so a page's validator costs one primary-key
read, and a 304 answer renders nothing and queries nothing else.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path

from flask import Flask, Response, current_app, make_response, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Integer, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from campaign import page_cache
from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db


class SiteRevision(db.Model):
    """A counter per revision name that moves whenever what it covers changes."""

    __tablename__ = "site_revisions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def init_app(app: Flask) -> None:
    """Fingerprint the templates, static files and catalogs, so a deploy changes every ETag."""
    digest = hashlib.sha256()
    catalogs = Path(app.root_path) / "translations"
    for folder in (Path(app.template_folder), Path(app.static_folder), catalogs):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.as_posix().encode())
                digest.update(path.read_bytes())
    app.extensions["build_fingerprint"] = digest.hexdigest()[:12]


@event.listens_for(Session, "after_flush")
def _bump_revisions(session: Session, flush_context) -> None:
    touched = {
        getattr(type(obj), "__cache_revision__", None)
        for obj in (*session.new, *session.dirty, *session.deleted)
    }
    touched.discard(None)
    for name in sorted(touched):
        bump_revision(session.connection(), name)


def bump_revision(connection, name: str) -> None:
    """Move a revision on, for changes made by SQL statements the flush listener cannot see."""
    connection.execute(
        update(SiteRevision)
        .where(SiteRevision.name == name)
        .values(revision=SiteRevision.revision + 1, changed_at=utcnow())
    )


def conditional_response(
    etag: str,
    last_modified: datetime | None,
    render: Callable[[], ResponseReturnValue],
    max_age: int = 0,
) -> Response:
    """Answer 304 when the browser's copy matches `etag`, else the rendered page; both cacheable.

    `max_age` lets browsers and proxies reuse a page for a few seconds without asking (a
    petition's count during a surge); 0 means they revalidate every time.
    """
    page_cache.share()
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
    else:
        response = make_response(render())
    response.set_etag(etag, weak=True)
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    if max_age:
        response.cache_control.max_age = max_age
    else:
        response.cache_control.no_cache = True
    return response


def build_fingerprint() -> str:
    """Changes with every deploy that changes a template or a static file."""
    return current_app.extensions["build_fingerprint"]


def cached_page(revision: str) -> Callable:
    """Serve a public view with validators from `revision`; answer 304 when they match."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            state = db.session.get(SiteRevision, revision)
            number = state.revision if state else 0
            return conditional_response(
                f"{build_fingerprint()}-{revision}-{number}",
                state.changed_at if state else None,
                lambda: view(*args, **kwargs),
            )

        return wrapper

    return decorator
