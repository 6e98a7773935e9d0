"""Builders for the tests' rows, one module a feature: `make_<row>(...)` adds one, flushes it
and returns it. Import from the module (`from tests.factories.petitions import make_petition`):
the package re-exports nothing, and holds only the step every builder ends with."""

from campaign.extensions import db


def flushed(row):
    """Add `row` to the session, flush it (its id and defaults are set) and return it."""
    db.session.add(row)
    db.session.flush()
    return row
