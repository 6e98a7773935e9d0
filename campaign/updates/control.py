"""What an organiser may do to an update's sending: schedule, send, pause, resume, cancel,
and settle the uncertain rows a dead sender left.

Each status change is a compare-and-set on the row (UPDATE … WHERE status = expected), so an
organiser's click and a sender finishing the update at the same moment cannot both win.
The functions flush; the request commits, and only then wakes a sender (runner.kick). The one
exception is `send_now`: starting is sending's first step, which commits as it goes.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update as sql_update

from campaign.db import utcnow
from campaign.extensions import db
from campaign.updates.models import Delivery, DeliveryStatus, Update, UpdateStatus
from campaign.updates.sending import CANCELLED_ERROR, start

DROPPED_ERROR = "Dropped by an organiser"


class ControlError(Exception):
    """The update is not in a state that allows this; the message says why, as a sentence."""


def _move(update: Update, allowed: set[UpdateStatus], **values) -> None:
    changed = db.session.execute(
        sql_update(Update)
        .where(Update.id == update.id, Update.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.refresh(update)
    if not changed:
        raise ControlError(
            _("This update is %(status)s now, so that cannot be done.", status=update.status)
        )


def schedule(update: Update, when: datetime, now: datetime | None = None) -> None:
    """Send a draft (or move a scheduled update) at `when`, which must be in the future."""
    if when <= (now or utcnow()):
        raise ControlError(_("Choose a time in the future: that moment has already passed."))
    _move(
        update,
        {UpdateStatus.DRAFT, UpdateStatus.SCHEDULED},
        status=UpdateStatus.SCHEDULED,
        scheduled_at=when,
    )


def unschedule(update: Update) -> None:
    """A scheduled update back to a draft that waits for the organiser."""
    _move(update, {UpdateStatus.SCHEDULED}, status=UpdateStatus.DRAFT, scheduled_at=None)


def send_now(update: Update) -> int:
    """Start sending a draft or scheduled update now; returns deliveries queued.

    Commits, step by step, as sending does (sending.start): the audience is queued in chunks.
    """
    if update.status not in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED):
        raise ControlError(
            _("This update is %(status)s, so it cannot be sent again.", status=update.status)
        )
    return start(update)


def pause(update: Update) -> None:
    """Stop handing out new batches; the batch in flight finishes."""
    _move(update, {UpdateStatus.SENDING}, status=UpdateStatus.PAUSED)


def resume(update: Update) -> None:
    """Carry on sending a paused update to who is still queued."""
    _move(update, {UpdateStatus.PAUSED}, status=UpdateStatus.SENDING)


def cancel(update: Update, now: datetime | None = None) -> int:
    """Stop for good: who is still queued is skipped. Returns how many were skipped."""
    _move(
        update,
        {UpdateStatus.SENDING, UpdateStatus.PAUSED},
        status=UpdateStatus.CANCELLED,
        finished_at=now or utcnow(),
    )
    # A batch already in flight is settled by its sender; only the queue is emptied.
    return _set_rows(
        update, DeliveryStatus.QUEUED, status=DeliveryStatus.SKIPPED, error=CANCELLED_ERROR
    )


def resend_uncertain(update: Update) -> int:
    """Queue the uncertain rows again: their people may get the update twice. Returns the count."""
    if update.status not in (UpdateStatus.SENDING, UpdateStatus.PAUSED, UpdateStatus.SENT):
        raise ControlError(
            _("This update is %(status)s, so nothing can be resent.", status=update.status)
        )
    # The batch token stays: a slow sender still holding the batch settles the rows it sent,
    # unless another sender claims them first.
    count = _set_rows(
        update,
        DeliveryStatus.UNCERTAIN,
        status=DeliveryStatus.QUEUED,
        claimed_at=None,
        error=None,
    )
    if count and update.status == UpdateStatus.SENT:
        # Finished already: it must send again for those rows, then finishes anew.
        _move(update, {UpdateStatus.SENT}, status=UpdateStatus.SENDING, finished_at=None)
    return count


def drop_uncertain(update: Update) -> int:
    """Give up on the uncertain rows: they are never sent again. Returns the count."""
    return _set_rows(
        update, DeliveryStatus.UNCERTAIN, status=DeliveryStatus.SKIPPED, error=DROPPED_ERROR
    )


def _set_rows(update: Update, current: DeliveryStatus, **values) -> int:
    result = db.session.execute(
        sql_update(Delivery)
        .where(Delivery.update_id == update.id, Delivery.status == current)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount
