"""Kill a real `flask mailer send` telling an outcome to a petition's signers, run it again:
every signer who may be told gets it once, as sending.py promises for any update.

The same test as tests/updates/test_fault.py makes of an update to subscribers, on the new
audience: deliveries by signature. Everyone in the petition is one of: a confirmed signer to
tell (opted in to updates or not), a signer who has not confirmed, one who stopped this
petition's news, one whose address bounced, one who unsubscribed from our updates. Only the
first kind may appear in an accepted SendGrid request, once (at most once for the one batch
left uncertain by the kill).

PostgreSQL only, like the test it follows.
"""

import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from campaign import create_app
from campaign.extensions import db
from campaign.outcomes.models import OutcomeKind
from campaign.outcomes.telling import record_outcome, tell_signers
from campaign.petitions.models import Petition
from config import TestingConfig
from tests.conftest import ON_POSTGRES
from tests.processes import WAIT, kill, mailer_send, wait_for
from tests.scratch import postgres_database
from tests.standins.sendgrid import RecordingStandIn

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="kills a sender holding real rows and connections: needs PostgreSQL "
        "(TEST_DATABASE_URL)",
    ),
]

SIGNERS = 2_000
BATCH = 100
LEASE_SECONDS = 1
SLOW = 0.05
# Signature g is one of these, by g % 10 (the statements in `_seed` say the same): most are
# to be told, a few of each other kind.
KINDS = {1: "pending", 2: "stopped", 3: "bounced", 4: "unsubscribed"}


def kind_of(signature_id: int) -> str:
    return KINDS.get(signature_id % 10, "told")


@dataclass
class Scratch:
    app: Flask
    url: str
    update_slug: str
    update_id: int


@pytest.fixture(scope="module")
def scratch() -> Iterator[Scratch]:
    """A migrated database of its own: one petition, its signers, an outcome told to them."""
    with postgres_database("campaign_outcome_fault") as url:

        class Settings(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Settings)
        with app.app_context():
            upgrade()
            _seed()
            petition = db.session.get(Petition, 1)
            update = tell_signers(record_outcome(petition, OutcomeKind.VICTORY, "We **won**."))
            db.session.commit()
            found = Scratch(app, url, update.slug, update.id)
            db.session.remove()
        try:
            yield found
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _seed() -> None:
    """The petition and its signers, made by PostgreSQL in set-based statements."""
    for statement in (
        "INSERT INTO campaigns (id, slug, title, summary, language, status, created_at, "
        "updated_at) VALUES (1, 'c', 'Campaign', '', 'en', 'live', now(), now())",
        "INSERT INTO petitions (id, campaign_id, slug, title, target, body, body_html, "
        "thank_you_text, goal, ask_postcode, status, counted_signatures, created_at, "
        "updated_at) VALUES (1, 1, 'let-them-in', 'Let them in', 'Them', '', '', '', 10, "
        "false, 'open', 0, now(), now())",
        """
        INSERT INTO signatures (id, petition_id, name, email, country, postcode, comment,
            comment_status, show_name, subscribe, consent_text, source, utm, ip_hash,
            language, status, counted, emails_sent, created_at, confirmed_at, news_stopped_at)
        SELECT g, 1, 'Signer ' || g, 'signer' || g || '@example.org', 'GB', '', '', 'none',
            false, g % 2 = 0, '', '', '{}', '', 'en',
            CASE WHEN g % 10 = 1 THEN 'pending' ELSE 'confirmed' END, false, 1,
            now(), CASE WHEN g % 10 = 1 THEN NULL ELSE now() END,
            CASE WHEN g % 10 = 2 THEN now() END
        FROM generate_series(1, :signers) AS g
        """,
        """
        INSERT INTO suppressions (email, reason, detail, created_at)
        SELECT 'signer' || g || '@example.org', 'bounce', '', now()
        FROM generate_series(1, :signers) AS g WHERE g % 10 = 3
        """,
        """
        INSERT INTO subscribers (email, name, language, status, consent_source, consent_text,
            created_at, updated_at)
        SELECT 'signer' || g || '@example.org', '', 'en', 'unsubscribed', '', '', now(), now()
        FROM generate_series(1, :signers) AS g WHERE g % 10 = 4
        """,
        "SELECT setval(pg_get_serial_sequence('signatures', 'id'), max(id)) FROM signatures",
    ):
        db.session.execute(text(statement), {"signers": SIGNERS})
    db.session.commit()


@pytest.fixture
def standin() -> Iterator[RecordingStandIn]:
    server = RecordingStandIn(delay=SLOW).start()
    try:
        yield server
    finally:
        server.stop()


def send_command(scratch: Scratch, standin: RecordingStandIn, log: Path):
    return mailer_send(
        scratch.update_slug,
        scratch.url,
        standin.url,
        log,
        MAIL_BATCH_SIZE=BATCH,
        UPDATE_BATCH_LEASE_SECONDS=LEASE_SECONDS,
    )


def test_a_sender_killed_mid_send_and_run_again_tells_every_signer_once(scratch, standin, tmp_path):
    log = tmp_path / "send.log"
    process = send_command(scratch, standin, log)
    try:
        wait_for(
            lambda: standin.accepted_requests() >= 4 or process.poll() is not None,
            "four batches to be accepted",
            log,
        )
        assert process.poll() is None, log.read_text()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=WAIT)
    finally:
        kill(process)
    accepted_before_kill = standin.accepted_requests()

    time.sleep(LEASE_SECONDS + 0.2)  # the dead sender's lease runs out
    standin.delay = 0
    rerun = send_command(scratch, standin, log)
    try:
        returncode = rerun.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`mailer send` still running after {WAIT} s:\n{log.read_text()}")
    finally:
        kill(rerun)
    assert returncode == 0, log.read_text()

    accepted = standin.accepted()
    with scratch.app.app_context():
        rows = db.session.execute(
            text(
                """
                SELECT s.id, s.email, d.status, d.batch
                FROM signatures s
                LEFT JOIN deliveries d ON d.signature_id = s.id AND d.update_id = :update
                """
            ),
            {"update": scratch.update_id},
        ).all()
        status = db.session.scalar(
            text("SELECT status FROM updates WHERE id = :id"), {"id": scratch.update_id}
        )
        db.session.remove()
    never, twice, outsiders, uncertain_batches, uncertain = [], [], [], set(), 0
    for signature_id, email, delivery_status, batch in rows:
        times = accepted[email]
        if kind_of(signature_id) != "told":
            if times:
                outsiders.append(email)
        elif delivery_status == "uncertain":
            uncertain += 1
            uncertain_batches.add(batch)
            if times > 1:
                twice.append(email)
        elif delivery_status != "sent" or times == 0:
            never.append(email)
        elif times > 1:
            twice.append(email)

    assert 0 < accepted_before_kill < SIGNERS // BATCH, "the kill was not mid-way"
    assert not never, f"{len(never)} signers to tell never got it, e.g. {never[:3]}"
    assert not twice, f"{len(twice)} got it more than once, e.g. {twice[:3]}"
    assert not outsiders, f"{len(outsiders)} not to be told got it, e.g. {outsiders[:3]}"
    assert uncertain <= BATCH and len(uncertain_batches) <= 1, (uncertain, uncertain_batches)
    assert status == "sent"
