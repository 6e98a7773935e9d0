"""Running workers at once, each in its own thread, app context and session."""

import threading
from collections.abc import Callable

from flask import Flask

from campaign.extensions import db

NEEDS_POSTGRES = "needs PostgreSQL (TEST_DATABASE_URL): SQLite has one writer at a time"


def run_threads(app: Flask, workers: list[Callable[[], None]], timeout: float = 20) -> None:
    """Run each worker in its own thread and app context (own session); re-raise any error."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], None]) -> None:
        with app.app_context():
            try:
                start.wait(timeout=5)
                work()
            except BaseException as error:  # surfaced by the assertion below
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    assert errors == []
