"""Celery tasks of the mail pipeline (used when CELERY_BROKER_URL is set)."""

from celery import shared_task

from campaign.mailer.dispatch import dispatch_due


@shared_task(name="mailer.dispatch_outbox", ignore_result=True)
def dispatch_outbox() -> int:
    """Send what is due; returns how many messages went out."""
    return dispatch_due().sent
