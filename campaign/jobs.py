"""Periodic upkeep (a petition's tally, say), run by whatever sends the mail.

Features connect their sweeps to `signals.sweep`; the in-process dispatcher thread runs every
sweep each time it wakes (at least every SWEEP_SECONDS), and with Celery, beat schedules the
`jobs.run_sweeps` task as often. A sweep commits its own work and must be safe to run in two
processes at once.
"""

import logging

from flask import current_app

from campaign import signals
from campaign.extensions import db

log = logging.getLogger(__name__)

# How often the dispatcher thread or Celery beat sweeps the outbox (its retries, and claims
# whose holder stopped) and runs these jobs. With the claims' 30 s lease, mail a dead
# dispatcher held goes out within a minute, wherever it ran.
SWEEP_SECONDS = 20.0


def run_sweeps() -> bool:
    """Run every sweep connected for this app; True if one has more to do at once."""
    app = current_app._get_current_object()
    more = False
    # Each receiver called here rather than by `send`: one that fails must not stop the rest.
    for receiver in signals.sweep.receivers_for(app):
        try:
            more = receiver(app) is True or more
        except Exception:  # the next sweep tries again
            db.session.rollback()
            log.exception("sweep %s.%s failed", receiver.__module__, receiver.__qualname__)
    return more
