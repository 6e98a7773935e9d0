"""Dispatch after commit: a thread in this process by default, Celery tasks with a broker.

Queueing code only flags the session (`session.info["mail_queued"]`); once the transaction
commits, the dispatcher is woken. If waking fails the rows are still in the table, and the
thread's periodic sweep, Celery beat or `flask mailer flush` sends them.
"""

import logging
import os
import threading
import time

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaign.extensions import db
from campaign.jobs import SWEEP_SECONDS, run_sweeps
from campaign.mailer.dispatch import dispatch_due

log = logging.getLogger(__name__)

# The dispatcher is woken by every commit that queued mail: in a surge of sign-ups, hundreds of
# times a second. The mail goes out on each wake; the other sweeps (the petition tally, update
# batches, claims to take back) run at most this often, unless one said it has more to do.
SWEEPS_AT_MOST_EVERY = 1.0


class InProcessDispatcher:
    """One daemon thread per process that drains the outbox when woken and every sweep."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.pid: int | None = None
        self.swept_at: float | None = None
        self.sweeps_have_more = False

    def ensure_running(self) -> None:
        # After a fork (gunicorn workers) the parent's thread does not exist in the child.
        if self.thread is not None and self.pid == os.getpid() and self.thread.is_alive():
            return
        with self.lock:
            if self.thread is None or self.pid != os.getpid() or not self.thread.is_alive():
                self.pid = os.getpid()
                self.thread = threading.Thread(
                    target=self._run, name="mail-dispatcher", daemon=True
                )
                self.thread.start()

    def notify(self) -> None:
        self.ensure_running()
        self.wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread once its current sweep is done (a test's dispatcher, say)."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _sweeps_are_due(self) -> bool:
        return (
            self.sweeps_have_more
            or self.swept_at is None
            or time.monotonic() - self.swept_at >= SWEEPS_AT_MOST_EVERY
        )

    def _run(self) -> None:
        # Sweep first, then wait: a process started after a crash sends what was left at once.
        while True:
            postponed = False
            try:
                with self.app.app_context():
                    try:
                        dispatch_due()
                    except Exception:  # the thread must outlive one bad sweep
                        log.exception("mail dispatch sweep failed; rows stay queued")
                        db.session.rollback()
                    try:
                        if self._sweeps_are_due():
                            self.swept_at = time.monotonic()
                            self.sweeps_have_more = run_sweeps()
                            if self.sweeps_have_more:
                                self.wake.set()  # more to send: come straight back
                        else:
                            postponed = True
                    finally:
                        db.session.remove()
            except Exception:  # a failing cleanup too: a dead thread would sweep no more
                log.exception("mail dispatcher sweep failed; the next one tries again")
            # Postponed sweeps run within a second even if nothing wakes the thread again.
            self.wake.wait(timeout=SWEEPS_AT_MOST_EVERY if postponed else SWEEP_SECONDS)
            self.wake.clear()
            if self.stopping.is_set():
                return


def init_app(app: Flask) -> None:
    """Choose the dispatcher: Celery with a broker, else a thread (none in tests)."""
    mode = app.config.get("MAIL_DISPATCHER") or (
        "celery" if app.config.get("CELERY_BROKER_URL") else "thread"
    )
    app.config["MAIL_DISPATCHER"] = mode
    if mode == "thread":
        dispatcher = InProcessDispatcher(app)
        app.extensions["mail_dispatcher"] = dispatcher
        # Start on the first request, not at import: commands and workers need no thread.
        app.before_request(dispatcher.ensure_running)


def notify_dispatcher() -> None:
    """Wake whatever sends mail in this deployment; never raises into the caller."""
    mode = current_app.config["MAIL_DISPATCHER"]
    try:
        if mode == "thread":
            current_app.extensions["mail_dispatcher"].notify()
        elif mode == "celery":
            # Through this app's own Celery, not the process-wide default one.
            current_app.extensions["celery"].send_task("mailer.dispatch_outbox")
    except Exception:  # the rows are committed; a sweep will send them
        log.exception("could not wake the mail dispatcher")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("mail_queued", False):
        notify_dispatcher()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    # Only the whole transaction's rollback undoes the mail: a savepoint rolled back inside it
    # may not have held the email (if it did, the wake finds nothing to send, which is harmless).
    if not previous_transaction.nested:
        session.info.pop("mail_queued", None)
