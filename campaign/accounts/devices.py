"""An organiser's sessions, each ended on its own, and the email a new device brings.

Signing in starts a session row (Flask-Login's `user_logged_in`, so every way of signing in
does); each request of that session checks its row still stands, so ending it in the console
signs that browser out at its next click. A browser keeps a random device cookie: a sign-in
without a device this account has signed in from before tells the organiser by email. Neither
the session nor the email holds an IP address: only times and the browser's family.
"""

import hashlib
import re
import secrets
from datetime import datetime

from flask import Flask, current_app, g, request, session
from flask_login import current_user, user_logged_in
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from campaign.db import UTCDateTime, utcnow
from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.templating import site_url_for

SESSION_KEY = "organiser_session"  # in the signed session cookie: this session's token
DEVICE_COOKIE = "campaign_device"
DEVICE_COOKIE_DAYS = 400  # browsers keep a cookie at most this long (RFC 6265bis)
SEEN_EVERY_SECONDS = 300  # last_seen_at is written at most this often


class OrganiserSession(db.Model):
    __tablename__ = "organiser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_hash: Mapped[str] = mapped_column(String(64), index=True)
    browser: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def browser_family(user_agent: str) -> str:
    """ "Firefox on Linux": enough to recognise a device, too little to tell one apart."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in SYSTEMS if mark in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def _started(app: Flask, user) -> None:
    """Commits: the sign-in's own commit came before Flask-Login signed the user in."""
    if _standing(session.get(SESSION_KEY), user.id) is not None:
        return  # the same session signed in afresh (after a password change)
    token = secrets.token_urlsafe(32)
    device = request.cookies.get(DEVICE_COOKIE) or ""
    if not re.fullmatch(r"[A-Za-z0-9_-]{43}", device):
        device = secrets.token_urlsafe(32)
    device_hash = _digest(f"{user.id}:{device}")
    known = db.session.scalar(
        select(OrganiserSession.id).where(
            OrganiserSession.user_id == user.id, OrganiserSession.device_hash == device_hash
        )
    )
    # An account's very first sign-in is its organiser setting it up: nothing to tell.
    signed_in_before = db.session.scalar(
        select(OrganiserSession.id).where(OrganiserSession.user_id == user.id).limit(1)
    )
    browser = browser_family(request.headers.get("User-Agent", ""))
    db.session.add(
        OrganiserSession(
            user_id=user.id, token_hash=_digest(token), device_hash=device_hash, browser=browser
        )
    )
    if known is None and signed_in_before is not None:
        queue_email(
            "new_device",
            user.email,
            {
                "browser": browser,
                "at": utcnow(),
                "sessions_url": site_url_for("accounts_console.sessions"),
            },
        )
    db.session.commit()
    session[SESSION_KEY] = token
    g.device_cookie = device


def session_stands() -> bool:
    """Whether this request's organiser session has not been ended (or never started)."""
    found = _standing(session.get(SESSION_KEY), current_user.id)
    if found is None:
        return False
    if (utcnow() - found.last_seen_at).total_seconds() > SEEN_EVERY_SECONDS:
        found.last_seen_at = utcnow()
        db.session.commit()
    g.organiser_session_id = found.id
    return True


def _standing(token, user_id: int) -> OrganiserSession | None:
    if not isinstance(token, str):
        return None
    found = db.session.scalar(
        select(OrganiserSession).where(OrganiserSession.token_hash == _digest(token))
    )
    if found is None or found.ended_at is not None or found.user_id != user_id:
        return None
    return found


def sessions_of(user) -> list[OrganiserSession]:
    """The account's sessions still standing, the newest first."""
    return list(
        db.session.scalars(
            select(OrganiserSession)
            .where(OrganiserSession.user_id == user.id, OrganiserSession.ended_at.is_(None))
            .order_by(OrganiserSession.last_seen_at.desc())
        )
    )


def end_session(user, session_id: int) -> bool:
    """End one of the account's own sessions; False when it has no such session standing."""
    found = db.session.get(OrganiserSession, session_id)
    if found is None or found.user_id != user.id or found.ended_at is not None:
        return False
    found.ended_at = utcnow()
    db.session.flush()
    return True


def end_every_session(user) -> None:
    for found in sessions_of(user):
        found.ended_at = utcnow()
    db.session.flush()


def _keep_device_cookie(response):
    device = g.pop("device_cookie", None)
    if device:
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            path="/admin",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    return response


def init_app(app: Flask) -> None:
    user_logged_in.connect(_started, app)
    app.after_request(_keep_device_cookie)
