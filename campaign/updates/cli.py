"""`flask --app campaign mailer send UPDATE`: send an update in the foreground, resumably."""

import gc
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from campaign.audit import COMMAND_LINE
from campaign.audit.trail import record
from campaign.cli import fail
from campaign.extensions import db
from campaign.mailer.transports import get_transport
from campaign.updates.audience import audience_size
from campaign.updates.models import Update, UpdateStatus
from campaign.updates.reports import delivery_counts
from campaign.updates.sending import SendReport, run, start

# After a batch is refused for now, the command waits this long before trying again.
REFUSED_WAIT_SECONDS = 30
REFUSED_TRIES = 10


def find_update(reference: str) -> Update | None:
    """An update by slug, or by id when the reference is a number."""
    query = select(Update).where(Update.slug == reference)
    if reference.isdigit():
        query = select(Update).where((Update.slug == reference) | (Update.id == int(reference)))
    return db.session.scalar(query)


def _record(update: Update) -> None:
    """The audit trail's entry for starting, or carrying on, sending from a shell."""
    if update.status in (UpdateStatus.DRAFT, UpdateStatus.SCHEDULED):
        rows = audience_size(update)
        record(
            "send update", object_kind="update", object_id=update.id, rows=rows, detail=COMMAND_LINE
        )
    elif update.status == UpdateStatus.PAUSED:
        record("resume update", object_kind="update", object_id=update.id, detail=COMMAND_LINE)


def handled(report: SendReport) -> int:
    """Deliveries a run settled, one way or another."""
    return report.sent + report.failed + report.skipped + report.uncertain


@click.command("send")
@click.argument("reference", metavar="UPDATE")
@with_appcontext
def send(reference: str) -> None:
    """Send an update (by slug or id) now, in the foreground; run again to resume."""
    update = find_update(reference)
    if update is None:
        fail(f"There is no update {reference!r}.")
    if update.status == UpdateStatus.CANCELLED:
        fail(f"Update {update.slug!r} was cancelled; it cannot be sent.")
    try:
        # Before anything starts: incomplete transport settings must not leave it half-begun.
        transport = get_transport()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    _record(update)  # committed by start(), with the change it records
    # The loaded app is most of what this process holds and none of it is garbage: frozen, it
    # is left out of the collections that the batches' short-lived objects set off (a fifth
    # of the CPU of a large send went to walking it again and again).
    gc.freeze()
    start(update)
    update_id = update.id
    counts = delivery_counts(update_id)
    total = sum(counts.values())
    finished = total - counts["queued"] - counts["sending"]
    tries = 0
    with click.progressbar(length=total, label=f"Sending {update.slug}", show_pos=True) as bar:
        bar.update(finished)

        def advance(report: SendReport) -> None:
            # Each run's own tally, not a count over every delivery row after each batch.
            bar.update(max(0, finished + handled(report) - bar.pos))

        while True:
            report = run(update_id, transport=transport, on_batch=advance)
            finished += handled(report)
            if not report.stopped_because.startswith("refused for now") or tries >= REFUSED_TRIES:
                break
            tries += 1
            time.sleep(REFUSED_WAIT_SECONDS)
    counts = delivery_counts(update_id)
    click.echo(
        f"{report.stopped_because}: sent {counts['sent']}, failed {counts['failed']}, "
        f"skipped {counts['skipped']}, uncertain {counts['uncertain']}, "
        f"still queued {counts['queued']}"
    )
