"""Counting by UTC day, for the console's daily tables: a timestamp's day, the last days."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Date, cast, func

from campaign.db import utcnow
from campaign.extensions import db


def utc_day(column):
    """The UTC date of a timestamp column, as SQL to select and group by."""
    # SQLite keeps UTC text, so date() reads the UTC day; PostgreSQL must be told the zone,
    # or the day would follow the connection's time zone.
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def as_date(value: date | str) -> date:
    """A day as the database returns it (SQLite gives text) as a date."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def last_days(days: int, now: datetime | None = None) -> tuple[list[date], datetime]:
    """The last `days` UTC days, oldest first and today last, and the moment the first began."""
    today = (now or utcnow()).astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    every_day = [first + timedelta(days=n) for n in range(days)]
    return every_day, datetime(first.year, first.month, first.day, tzinfo=UTC)
