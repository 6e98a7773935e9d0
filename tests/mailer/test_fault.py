"""Kill a real dispatcher with SIGKILL mid-send: the next one sends the rest within the window.

`flask mailer flush` sends a committed outbox through the SendGrid stand-in, which holds one
request unanswered; the command is killed while that request is out, so SendGrid may have
taken that message. Then a web process starts as production runs one (gunicorn, mail sent by
its dispatcher thread) and gets its first request: its thread sweeps at once, takes back the
dead process's claims and sends the rest. Every message arrives; only the one that was out
arrives twice, and the Outbox records it as possibly sent twice.

Runs on the suite's database: a SQLite file, or PostgreSQL with TEST_DATABASE_URL.
"""

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from campaign.extensions import db
from campaign.jobs import SWEEP_SECONDS
from campaign.mailer.models import MessageStatus, OutboundEmail
from tests.factories.mail import make_outbound_email
from tests.processes import WAIT, gunicorn, kill, start_logged, wait_for
from tests.standins.sendgrid import SendGridStandIn

MESSAGES = 120
HELD = 15  # the stand-in leaves this request unanswered: the kill lands while it is out


@pytest.fixture
def standin() -> Iterator[SendGridStandIn]:
    server = SendGridStandIn().start()
    try:
        yield server
    finally:
        server.stop()  # also ends the held request


def environment(database_url: str, standin: SendGridStandIn, instance: Path) -> dict[str, str]:
    """Production settings, mail through the stand-in, dispatched by a thread (no Celery)."""
    return os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "fault-test-secret",
        "CAMPAIGN_INSTANCE_DIR": str(instance),
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "",
        "MAIL_DISPATCHER": "",
        "MAIL_TRANSPORT": "sendgrid",
        "SENDGRID_API_KEY": "SG.fault-test",
        "SENDGRID_API_HOST": standin.url,
        "MAIL_RATE_PER_SECOND": "0",
    }


def unsent() -> int:
    """Rows not yet recorded as sent, read on a fresh connection (what other processes did)."""
    with db.engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.status != MessageStatus.SENT)
        )


def arrivals(standin: SendGridStandIn) -> Counter[int]:
    """How many requests named each outbound id (each reached SendGrid, answered or not)."""
    with standin.lock:
        requests = list(standin.requests)
    return Counter(int(request.json["custom_args"]["outbound_id"]) for request in requests)


def test_a_dispatcher_killed_mid_send_leaves_mail_that_goes_out_within_a_sweep(
    app, committed_outbox, database_url, standin, tmp_path
):
    ids = [make_outbound_email(f"reader{number}@example.org").id for number in range(MESSAGES)]
    committed_outbox.commit()
    for _ in range(HELD - 1):
        standin.answer_next(202)
    standin.answer_next(202, delay=WAIT)
    env = environment(database_url, standin, tmp_path)
    log = tmp_path / "processes.log"

    flush = start_logged(["flask", "--app", "campaign", "mailer", "flush"], env, log)
    try:
        wait_for(
            lambda: len(standin.requests) >= HELD or flush.poll() is not None,
            f"request {HELD} to reach the stand-in",
            log,
        )
        assert flush.poll() is None, log.read_text()
    finally:
        kill(flush)
    killed_at = time.monotonic()
    in_flight = int(standin.requests[HELD - 1].json["custom_args"]["outbound_id"])
    left = unsent()
    assert 0 < left < MESSAGES, "the kill did not land mid-way"

    # Its dispatcher thread starts with the first request, as in production.
    with gunicorn("campaign:create_app()", env, log):
        started_at = time.monotonic()
        wait_for(lambda: unsent() == 0, "every message to be sent", log)
        done_at = time.monotonic()

    arrived = arrivals(standin)
    assert set(arrived) == set(ids), "some messages never reached SendGrid"
    assert {id_ for id_, times in arrived.items() if times > 1} == {in_flight}
    assert arrived[in_flight] == 2
    rows = committed_outbox.execute(
        select(OutboundEmail.id, OutboundEmail.attempts, OutboundEmail.possible_duplicate)
    ).all()
    doubted = {row.id: row.possible_duplicate for row in rows if row.possible_duplicate}
    assert list(doubted) == [in_flight]
    assert " ended after handing it to the transport" in doubted[in_flight]
    assert {row.id: row.attempts for row in rows if row.attempts != 1} == {in_flight: 2}
    # Taken back by the new dispatcher's first sweep, not a later one. (Starting the web
    # process takes the rest of the time from the kill: a few seconds, more on a busy machine.)
    assert done_at - started_at < SWEEP_SECONDS, log.read_text()
    print(
        f"\n{left} of {MESSAGES} messages left by the killed dispatcher; all sent "
        f"{done_at - killed_at:.1f} s after the kill, {done_at - started_at:.1f} s after "
        "the new dispatcher started"
    )
