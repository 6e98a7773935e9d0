"""Kill a real `flask mailer send` with SIGKILL mid-way, run it again: everyone gets it once.

The promise of sending.py, tested from outside: whatever moment the sender dies at, running
the command again reaches every active subscriber exactly once, except at most one batch that
is marked `uncertain` (those people got it at most once). A SendGrid stand-in in this process
records every request and which answer it got; an address "received" the update when a
request naming it was answered 2xx, since SendGrid then sends it whether or not our client
was still alive to read the answer.

PostgreSQL only: the kill must land while another process holds real rows and connections.
Each run uses a scratch database of its own, migrated here and dropped at the end.
"""

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from campaign import create_app
from campaign.extensions import db
from campaign.updates.models import Update
from config import TestingConfig
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL
from tests.processes import WAIT, kill, start_logged, wait_for
from tests.standins.sendgrid import Answer, RecordedRequest, SendGridStandIn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="kills a sender holding real rows and connections: needs PostgreSQL "
        "(TEST_DATABASE_URL)",
    ),
]

ACTIVE = 3_000
INACTIVE = 150  # unsubscribed, bounced and pending people: they must get nothing
BATCH = 100
LEASE_SECONDS = 1
# Subscriber ids 10, 20 … 31,500: they span two of queue_deliveries' 20,000-id chunks, so a
# sender can be caught between committing the first chunk of deliveries and the second.
ID_STEP = 10
SECOND_CHUNK_ID = 3_000 * ID_STEP  # an active subscriber whose delivery is in chunk two
SLOW = 0.05  # seconds per answer: sending takes long enough for the kill to land mid-way


class RecordingStandIn(SendGridStandIn):
    """The stand-in, slow by default, remembering which status each request was answered."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.answered: list[tuple[RecordedRequest, int]] = []

    def record(self, request: RecordedRequest) -> Answer:
        with self.lock:
            self.requests.append(request)
            answer = self.answers.popleft() if self.answers else Answer(delay=self.delay)
            self.answered.append((request, answer.status))
            return answer

    def accepted(self) -> Counter[str]:
        """How often each address was in a request SendGrid would have sent (answered 2xx)."""
        counts: Counter[str] = Counter()
        with self.lock:
            answered = list(self.answered)
        for request, status in answered:
            if 200 <= status < 300:
                for personalization in request.json["personalizations"]:
                    counts.update(to["email"] for to in personalization["to"])
        return counts

    def accepted_requests(self) -> int:
        with self.lock:
            return sum(1 for _request, status in self.answered if 200 <= status < 300)

    def refused_requests(self) -> int:
        with self.lock:
            return sum(1 for _request, status in self.answered if status >= 400)

    def delivery_ids(self) -> dict[str, str]:
        """Address -> the delivery id we sent along in custom_args (last accepted request)."""
        ids: dict[str, str] = {}
        with self.lock:
            answered = list(self.answered)
        for request, status in answered:
            if 200 <= status < 300:
                for personalization in request.json["personalizations"]:
                    for to in personalization["to"]:
                        ids[to["email"]] = personalization["custom_args"]["delivery_id"]
        return ids


@dataclass
class Scratch:
    app: Flask
    url: str


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    """A migrated database of its own with ACTIVE + INACTIVE subscribers; dropped afterwards."""
    # The pid keeps two test runs on one server (two engineers, say) out of each other's way.
    name = f"campaign_fault_{os.getpid()}"
    server = make_url(TEST_DATABASE_URL)
    url = server.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    app = None
    try:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            upgrade()
            # One set-based statement: the people are generated by PostgreSQL, not Python.
            db.session.execute(
                text(
                    """
                    INSERT INTO subscribers (id, email, name, language, status, consent_source,
                        consent_text, consent_at, confirmed_at, created_at, updated_at)
                    SELECT g * :step, 'reader' || g || '@example.org', 'Reader ' || g, 'en',
                        CASE WHEN g <= :active THEN 'active'
                             ELSE (ARRAY['unsubscribed', 'bounced', 'pending'])[g % 3 + 1]
                        END,
                        'fault-test', 'Send me updates.', now(), now(), now(), now()
                    FROM generate_series(1, :total) AS g
                    """
                ),
                {"step": ID_STEP, "active": ACTIVE, "total": ACTIVE + INACTIVE},
            )
            db.session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('subscribers', 'id'), max(id)) "
                    "FROM subscribers"
                )
            )
            db.session.commit()
        yield Scratch(app, url)
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def standin() -> Iterator[RecordingStandIn]:
    server = RecordingStandIn(delay=SLOW).start()
    try:
        yield server
    finally:
        server.stop()


def new_update(scratch: Scratch, slug: str) -> int:
    with scratch.app.app_context():
        update = Update(slug=slug, subject="The cables are out", body="Read **this**.")
        db.session.add(update)
        db.session.commit()
        update_id = update.id
        db.session.remove()
    return update_id


def send_command(scratch: Scratch, standin: SendGridStandIn, slug: str, log: Path, **settings):
    """`flask --app campaign mailer send SLUG` in a process of its own, as an operator runs it."""
    environment = os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "fault-test-secret",
        "DATABASE_URL": scratch.url,
        "CELERY_BROKER_URL": "",
        "MAIL_TRANSPORT": "sendgrid",
        "SENDGRID_API_KEY": "x",
        "SENDGRID_API_HOST": standin.url,
        "MAIL_BATCH_SIZE": str(BATCH),
        "MAIL_RATE_PER_SECOND": "0",
        "UPDATE_BATCH_LEASE_SECONDS": str(LEASE_SECONDS),
        "UPDATE_RETRY_SECONDS": "0",
    }
    environment |= {name: str(value) for name, value in settings.items()}
    return start_logged(["flask", "--app", "campaign", "mailer", "send", slug], environment, log)


def run_to_completion(scratch, standin, slug: str, log: Path, **settings) -> str:
    process = send_command(scratch, standin, slug, log, **settings)
    try:
        returncode = process.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`mailer send` still running after {WAIT} s:\n{log.read_text()}")
    finally:
        kill(process)
    output = log.read_text()
    assert returncode == 0, output
    return output


def assert_everyone_got_it_once(scratch: Scratch, update_id: int, standin: RecordingStandIn):
    """The promise: exactly once each, but at most once for one uncertain batch."""
    accepted = standin.accepted()
    sent_ids = standin.delivery_ids()
    with scratch.app.app_context():
        rows = db.session.execute(
            text(
                """
                SELECT s.email, s.status, d.id, d.status, d.batch
                FROM subscribers s
                LEFT JOIN deliveries d ON d.subscriber_id = s.id AND d.update_id = :update
                """
            ),
            {"update": update_id},
        ).all()
        update_status = db.session.scalar(
            text("SELECT status FROM updates WHERE id = :id"), {"id": update_id}
        )
        db.session.remove()

    never, twice, wrong_row, unsettled, outsiders = [], [], [], [], []
    uncertain_batches: set[str] = set()
    uncertain = 0
    for email, person_status, delivery_id, status, batch in rows:
        times = accepted[email]
        if person_status != "active":
            if times:
                outsiders.append(email)
            continue
        if status in ("queued", "sending"):
            unsettled.append(email)
        if status == "uncertain":
            uncertain += 1
            uncertain_batches.add(batch)
            if times > 1:
                twice.append(email)
        elif status == "sent":
            if times == 0:
                never.append(email)
            elif times > 1:
                twice.append(email)
            elif sent_ids.get(email) != str(delivery_id):
                wrong_row.append(email)
        else:
            never.append(email)  # no row, or failed/skipped although they are active
    known = {email for email, *_ in rows}

    assert not never, f"{len(never)} active subscribers never got it, e.g. {never[:3]}"
    assert not twice, f"{len(twice)} got it more than once, e.g. {twice[:3]}"
    assert not outsiders, f"{len(outsiders)} who are not active got it, e.g. {outsiders[:3]}"
    assert set(accepted) <= known, "the stand-in was sent addresses that are not subscribers"
    assert not wrong_row, f"custom_args named another delivery for {wrong_row[:3]}"
    assert not unsettled, f"{len(unsettled)} deliveries left queued or sending"
    assert uncertain <= BATCH and len(uncertain_batches) <= 1, (uncertain, uncertain_batches)
    assert update_status == "sent"
    return uncertain


@dataclass(frozen=True)
class Refusals:
    """Statuses the stand-in answers with before the first run, during it, and on the rerun.

    Never more than two refusals in a row: the sender tries a batch three times, and a third
    refusal hands it back and makes the command wait REFUSED_WAIT_SECONDS (30 s) to go again.
    """

    before: tuple[int, ...] = ()
    during: tuple[int, ...] = ()
    rerun: tuple[int, ...] = ()


@pytest.mark.parametrize(
    "refusals",
    [
        pytest.param(Refusals(), id="all-accepted"),
        pytest.param(
            Refusals(before=(429, 500), during=(500, 429), rerun=(429, 500)), id="429-and-500"
        ),
    ],
)
def test_a_sender_killed_mid_send_and_run_again_reaches_everyone_once(
    scratch, standin, refusals, tmp_path
):
    slug = f"killed-{tmp_path.name}"
    update_id = new_update(scratch, slug)
    log = tmp_path / "send.log"
    total_batches = ACTIVE // BATCH
    for status in refusals.before:
        standin.answer_next(status)

    process = send_command(scratch, standin, slug, log)
    try:
        if refusals.during:
            wait_for(lambda: standin.accepted_requests() >= 2, "two batches accepted", log)
            for status in refusals.during:
                standin.answer_next(status)
        # Kill while it sends: most of its time is spent waiting for our slow answers.
        wait_for(
            lambda: standin.accepted_requests() >= 6 or process.poll() is not None,
            "six batches to be accepted",
            log,
        )
        assert process.poll() is None, log.read_text()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT)
    finally:
        kill(process)
    accepted_before_kill = standin.accepted_requests()
    assert 0 < accepted_before_kill < total_batches, "the kill was not mid-way"

    time.sleep(LEASE_SECONDS + 0.2)  # the dead sender's lease runs out
    standin.delay = 0  # nothing left to catch mid-way: answer at once
    standin.answers.clear()  # so no more than two refusals ever come in a row
    for status in refusals.rerun:
        standin.answer_next(status)
    output = run_to_completion(scratch, standin, slug, log)

    assert "done: sent" in output, output
    uncertain = assert_everyone_got_it_once(scratch, update_id, standin)
    if refusals.before:
        expected = len(refusals.before) + len(refusals.during) + len(refusals.rerun)
        assert standin.refused_requests() == expected
    # Usually the kill lands while a request is out, and that batch is the uncertain one.
    print(f"killed after {accepted_before_kill} of {total_batches} batches; {uncertain} uncertain")


def test_a_request_that_timed_out_is_not_sent_again(scratch, standin, tmp_path):
    slug = f"timeout-{tmp_path.name}"
    update_id = new_update(scratch, slug)
    standin.delay = 0
    standin.answer_next(202)
    standin.answer_next(202)
    # SendGrid takes the third batch but answers after our client has given up. (Timeout and
    # delay leave a margin, so a busy machine does not time out an ordinary answer as well.)
    standin.answer_next(202, delay=3.5)

    run_to_completion(scratch, standin, slug, tmp_path / "send.log", MAIL_TIMEOUT_SECONDS=2)

    uncertain = assert_everyone_got_it_once(scratch, update_id, standin)
    assert uncertain == BATCH, "the batch that timed out is the uncertain one"
    assert standin.accepted_requests() == ACTIVE // BATCH  # and it was not sent again


def test_a_sender_killed_while_queueing_and_run_again_reaches_everyone_once(scratch, tmp_path):
    slug = f"queueing-{tmp_path.name}"
    update_id = new_update(scratch, slug)
    standin = RecordingStandIn(delay=0).start()
    engine = create_engine(scratch.url)
    log = tmp_path / "send.log"
    try:
        with engine.connect() as locker:
            # Queueing the second chunk needs a key-share lock on this person for the foreign
            # key; holding FOR UPDATE stops the sender right there, after chunk one committed.
            locker.execute(
                text("SELECT id FROM subscribers WHERE id = :id FOR UPDATE"),
                {"id": SECOND_CHUNK_ID},
            )
            process = send_command(scratch, standin, slug, log)
            try:
                waiting = waiting_backends(engine)
                wait_for(
                    lambda: bool(waiting()) or process.poll() is not None,
                    "the sender to wait for the locked subscriber",
                    log,
                )
                assert process.poll() is None, log.read_text()
                (blocked_pid,) = waiting()
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=WAIT)
            finally:
                kill(process)
            locker.rollback()
        # Its server process ends once it finds the client gone; its half chunk rolls back.
        wait_for(lambda: blocked_pid not in backends(engine), "the dead sender's backend to go")
        with engine.connect() as connection:
            queued = connection.execute(
                text("SELECT count(*) FROM deliveries WHERE update_id = :id"), {"id": update_id}
            ).scalar_one()
        assert 0 < queued < ACTIVE, "the kill did not land between the two chunks"

        run_to_completion(scratch, standin, slug, log)

        assert_everyone_got_it_once(scratch, update_id, standin)
    finally:
        standin.stop()
        engine.dispose()


def backends(engine) -> set[int]:
    with engine.connect() as connection:
        return set(
            connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            ).scalars()
        )


def waiting_backends(engine) -> Callable[[], list[int]]:
    def waiting() -> list[int]:
        with engine.connect() as connection:
            return list(
                connection.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    )
                ).scalars()
            )

    return waiting
