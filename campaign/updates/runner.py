"""Who sends updates: the sweep (dispatcher thread or Celery beat) and Celery batch tasks.

Scheduled updates start within a sweep of their time (20 seconds). In thread mode the sweep
sends for a time slice and asks to run again at once while work remains, so transactional
mail still goes out between slices. With Celery, each sweep enqueues several `updates.send`
tasks per sending update; they claim batches with SKIP LOCKED and so share the work.
"""

from celery import shared_task
from flask import Flask, current_app
from sqlalchemy import select

from campaign.db import utcnow
from campaign.extensions import db
from campaign.updates.models import Update, UpdateStatus
from campaign.updates.sending import run, start

THREAD_SLICE_SECONDS = 20.0
TASK_SLICE_SECONDS = 25.0


def start_due_updates() -> list[int]:
    """Start every scheduled update whose time has come (commits, as starting does); returns
    their ids."""
    due = db.session.scalars(
        select(Update).where(
            Update.status == UpdateStatus.SCHEDULED, Update.scheduled_at <= utcnow()
        )
    ).all()
    for update in due:
        start(update)
    return [update.id for update in due]


def sending_update_ids() -> list[int]:
    """The updates being sent now (commits: a sweep holds no transaction open while it sends)."""
    ids = list(db.session.scalars(select(Update.id).where(Update.status == UpdateStatus.SENDING)))
    db.session.commit()
    return ids


def kick(update_id: int) -> None:
    """Get an update's batches moving now (Celery tasks, or wake the dispatcher thread)."""
    if current_app.config["MAIL_DISPATCHER"] == "celery":
        celery = current_app.extensions["celery"]
        for _ in range(current_app.config["UPDATE_PARALLEL_TASKS"]):
            celery.send_task("updates.send", args=[update_id])
    elif current_app.config["MAIL_DISPATCHER"] == "thread":
        current_app.extensions["mail_dispatcher"].notify()


def send_updates(app: Flask) -> bool:
    """The sweep: start due updates and move sending ones along; True while work remains."""
    start_due_updates()
    ids = sending_update_ids()
    if app.config["MAIL_DISPATCHER"] == "celery":
        for update_id in ids:
            kick(update_id)
        return False
    more = False
    for update_id in ids:
        report = run(update_id, max_seconds=THREAD_SLICE_SECONDS)
        more = more or report.stopped_because == "time"
    return more


@shared_task(name="updates.send", ignore_result=True)
def send_task(update_id: int) -> str:
    """Send batches of one update for a time slice (several of these run in parallel)."""
    parallel = current_app.config["UPDATE_PARALLEL_TASKS"]
    return run(update_id, max_seconds=TASK_SLICE_SECONDS, share_of_rate=parallel).stopped_because
