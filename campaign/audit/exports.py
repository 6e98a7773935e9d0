"""Exports in the audit trail, with the number of rows that actually went out.

An export streams after its view has returned, so its entry cannot share the view's
transaction: it is written, and committed on its own, once the last row has gone, or once
the download stopped (a closed tab, a lost connection), with what had gone by then.
"""

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user

from campaign.audit.trail import record
from campaign.csv_safety import Written
from campaign.extensions import db

STOPPED = "stopped before the end"


@dataclass(frozen=True)
class Organiser:
    """Who asked for the export, read while the view still had them (the rows outlive it)."""

    id: int
    email: str


def when_written(
    action: str, *, object_kind: str = "", object_id: int | None = None, detail: str = ""
) -> Written:
    """For `csv_download(..., written=)`: records `action` with the rows written, at the end."""
    who = _organiser()

    def written(rows: int, finished: bool) -> None:
        # Reading the rows left a transaction open, or broken if the database went away.
        db.session.rollback()
        record(
            action,
            object_kind=object_kind,
            object_id=object_id,
            rows=rows,
            detail=detail if finished else "; ".join(filter(None, [detail, STOPPED])),
            actor=who,
        )
        db.session.commit()

    return written


def filters(**parts: object) -> str:
    """An export's filters for an entry's detail, "status=active; appeal=3", empty ones left
    out. Ids, statuses and dates only: text someone typed may hold a supporter's address."""
    return "; ".join(f"{name}={value}" for name, value in parts.items() if value not in (None, ""))


def _organiser() -> Organiser | None:
    if has_request_context() and current_user.is_authenticated:
        return Organiser(current_user.id, current_user.email)
    return None  # a command: nobody is signed in
