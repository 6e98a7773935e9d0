"""Periodic upkeep (a petition's tally, say), run by whatever sends the mail.

Features register a sweep; the in-process dispatcher thread runs every sweep each time it
wakes (at least every SWEEP_SECONDS), and with Celery, beat schedules the `jobs.run_sweeps`
task as often. A sweep commits its own work and must be safe to run in two processes at once.
"""

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

# How often the dispatcher thread or Celery beat sweeps the outbox (its retries, and claims
# whose holder stopped) and runs these jobs. With the claims' 30 s lease, mail a dead
# dispatcher held goes out within a minute, wherever it ran.
SWEEP_SECONDS = 20.0

SWEEPS: dict[str, Callable[[], object]] = {}


def sweep(name: str) -> Callable:
    """Register a function to run on every sweep."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        SWEEPS[name] = function
        return function

    return register


def run_sweeps() -> bool:
    """Run every registered sweep; True if one has more to do at once (a sending update)."""
    from campaign.extensions import db

    more = False
    for name, function in SWEEPS.items():
        try:
            more = function() is True or more
        except Exception:  # the next sweep tries again
            db.session.rollback()
            log.exception("sweep %s failed", name)
    return more
