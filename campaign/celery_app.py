"""Celery bound to the Flask app: every task runs inside an app context."""

from pathlib import Path

from celery import Celery, Task
from flask import Flask

from campaign.jobs import SWEEP_SECONDS

# Where the worker finds its tasks; none of them may import the web layer.
TASK_MODULES = ("campaign.mailer.tasks", "campaign.updates.runner")


def init_app(app: Flask) -> Celery:
    """Create the app's Celery instance (no connection is made until a task is sent)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=app.config.get("CELERY_BROKER_URL"),
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        beat_schedule={
            "sweep-outbox": {"task": "mailer.dispatch_outbox", "schedule": SWEEP_SECONDS},
            "upkeep": {"task": "jobs.run_sweeps", "schedule": SWEEP_SECONDS},
        },
        # Beat keeps its last run times in this file; by default it would land in the checkout.
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
        include=list(TASK_MODULES),
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
