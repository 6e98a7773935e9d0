"""An email's words are kept MAIL_BODY_DAYS, then only the record that it went stays.

Each outbox row older than that loses its plain-text and HTML bodies and its headers (an
unsubscribe link names its subscriber), and the file transport's `.eml` file of it is
removed; the row keeps its recipient, subject, status and times. A message still waiting to
go keeps everything. The other `.eml` files the file transport wrote (an update's, a test
send's) go by their age, once an hour in each process.

Rows are purged once some message is PURGE_GRACE overdue, so an hour's messages go together
under one audit entry instead of a few at every sweep.
"""

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import exists, select, update

from campaign.audit.trail import record
from campaign.db import utcnow
from campaign.extensions import db
from campaign.mailer.models import MessageStatus, OutboundEmail
from campaign.mailer.transports.outbox import eml_name

log = logging.getLogger(__name__)

PURGE_GRACE = timedelta(hours=1)
PURGE_BATCH = 5000
FILE_SWEEP_SECONDS = 60 * 60
# Messages that may still be sent need their words.
_STILL_TO_GO = (MessageStatus.QUEUED, MessageStatus.SENDING)
_FILES_SWEPT_AT = "mail_files_swept_at"


def kept_for() -> timedelta:
    """How long an email's words are kept (MAIL_BODY_DAYS)."""
    return timedelta(days=current_app.config["MAIL_BODY_DAYS"])


def _old_and_kept(cutoff: datetime):
    return (
        OutboundEmail.body_purged_at.is_(None),
        OutboundEmail.created_at < cutoff,
        OutboundEmail.status.not_in(_STILL_TO_GO),
    )


def purge_mail_bodies(now: datetime | None = None, limit: int = PURGE_BATCH) -> int:
    """Remove the words of up to `limit` messages older than MAIL_BODY_DAYS, with an audit
    entry, and their `.eml` files; commits. Returns how many messages lost their words."""
    now = now or utcnow()
    cutoff = now - kept_for()
    overdue = select(exists().where(*_old_and_kept(cutoff - PURGE_GRACE)))
    if not db.session.scalar(overdue):
        db.session.commit()
        return 0
    ids = list(
        db.session.scalars(
            select(OutboundEmail.id)
            .where(*_old_and_kept(cutoff))
            .order_by(OutboundEmail.created_at, OutboundEmail.id)
            .limit(limit)
        )
    )
    # Checked again row by row: another process may have purged some, or a retry taken one.
    purged = list(
        db.session.scalars(
            update(OutboundEmail)
            .where(OutboundEmail.id.in_(ids), *_old_and_kept(cutoff))
            .values(text_body="", html_body="", headers={}, body_purged_at=now)
            .returning(OutboundEmail.id)
            .execution_options(synchronize_session=False)
        )
    )
    if purged:
        record(
            "purge mail bodies",
            rows=len(purged),
            detail=f"MAIL_BODY_DAYS={current_app.config['MAIL_BODY_DAYS']}",
            actor=None,
        )
    db.session.commit()
    if purged:
        log.info("removed the words of %d emails older than %s", len(purged), cutoff)
    # After the commit: a file removed for a row that kept its words would be lost for nothing.
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    for message_id in purged:
        (directory / eml_name({"outbound_id": str(message_id)})).unlink(missing_ok=True)
    return len(purged)


def purge_old_mail_files(now: datetime | None = None) -> int:
    """Remove the `.eml` files the file transport wrote more than MAIL_BODY_DAYS ago, with an
    audit entry (commits); returns how many."""
    cutoff = ((now or utcnow()) - kept_for()).timestamp()
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    removed = 0
    try:
        entries = list(directory.iterdir())
    except FileNotFoundError:
        return 0
    for path in entries:
        if path.suffix not in (".eml", ".part"):
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    if removed:
        record(
            "purge mail bodies",
            rows=removed,
            detail=f".eml files, MAIL_BODY_DAYS={current_app.config['MAIL_BODY_DAYS']}",
            actor=None,
        )
        db.session.commit()
    return removed


def mail_retention_sweep(app: Flask) -> bool:
    """Retention of mail on every sweep (`signals.sweep`); True while a backlog remains."""
    swept_at = app.extensions.get(_FILES_SWEPT_AT)
    if swept_at is None or time.monotonic() - swept_at >= FILE_SWEEP_SECONDS:
        app.extensions[_FILES_SWEPT_AT] = time.monotonic()
        purge_old_mail_files()
    return purge_mail_bodies() == PURGE_BATCH


def purged_on(message: OutboundEmail) -> datetime | None:
    """When this message's words go (or went): MAIL_BODY_DAYS after it was queued."""
    if message.body_purged_at is not None:
        return message.body_purged_at
    return message.created_at.astimezone(UTC) + kept_for()
