"""Celery tasks of the mail pipeline (used when CELERY_BROKER_URL is set)."""

from celery import shared_task

from campaign.jobs import run_sweeps
from campaign.mailer.dispatch import dispatch_due


@shared_task(name="mailer.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Send what is due; returns how many messages went out."""
    return dispatch_due().sent


@shared_task(name="jobs.run_sweeps", ignore_result=True)
def sweeps() -> None:
    """The sweeps the features connect (see campaign/jobs.py)."""
    run_sweeps()
