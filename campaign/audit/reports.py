"""What the console reads of the audit trail: entries filtered, newest first, and as CSV rows."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, Select, select

from campaign.audit.models import AuditEntry
from campaign.extensions import db

EXPORT_BATCH = 1000
CSV_COLUMNS = (
    "entry",
    "at",
    "organiser_id",
    "organiser",
    "action",
    "object_kind",
    "object_id",
    "rows",
    "detail",
    "seal",
)


@dataclass(frozen=True)
class EntryFilter:
    """Which entries an admin reads; empty parts match every entry. Days are UTC days."""

    actor_id: int | None = None
    action: str = ""
    since: date | None = None  # from the start of that day
    until: date | None = None  # to the end of that day

    def conditions(self) -> list[ColumnElement[bool]]:
        clauses = []
        if self.actor_id is not None:
            clauses.append(AuditEntry.actor_id == self.actor_id)
        if self.action:
            clauses.append(AuditEntry.action == self.action)
        if self.since is not None:
            clauses.append(AuditEntry.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until is not None:
            clauses.append(AuditEntry.at <= datetime.combine(self.until, time.max, tzinfo=UTC))
        return clauses


def newest_first(chosen: EntryFilter) -> Select:
    """The entries matching a filter, the newest first."""
    return select(AuditEntry).where(*chosen.conditions()).order_by(AuditEntry.id.desc())


def entry_rows(chosen: EntryFilter) -> Iterator[tuple]:
    """One row an entry matching the filter, in the order they were sealed (streamed)."""
    query = (
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.actor_id,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.object_kind,
            AuditEntry.object_id,
            AuditEntry.rows,
            AuditEntry.detail,
            AuditEntry.seal,
        )
        .where(*chosen.conditions())
        .order_by(AuditEntry.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    # A download cut short closes these rows: the cursor with them, not later in a collection.
    with db.session.execute(query) as result:
        for row in result:
            yield tuple(row)


def actions() -> list[str]:
    """Every action the trail holds, alphabetically: what the action filter offers."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query))


def newest() -> AuditEntry | None:
    """The entry sealed last."""
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
