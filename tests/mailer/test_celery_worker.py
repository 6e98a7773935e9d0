"""With Redis up, a real Celery worker process sends what the app commits to the outbox."""

import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
from sqlalchemy import delete

from campaign.extensions import db
from campaign.mailer.compose import queue_email
from campaign.mailer.emails import transport_check
from campaign.mailer.models import MessageStatus, OutboundEmail

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def broker_url() -> str:
    try:
        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis is not reachable at {BROKER_URL}")
    return BROKER_URL


@pytest.fixture
def celery_mode(app, broker_url):
    """The app wakes Celery after commit, on a queue of this test's own."""
    queue = f"campaign-test-{uuid.uuid4().hex[:8]}"
    celery = app.extensions["celery"]
    saved = app.config["MAIL_DISPATCHER"]
    celery.conf.update(broker_url=broker_url, task_default_queue=queue)
    app.config["MAIL_DISPATCHER"] = "celery"
    yield queue
    app.config["MAIL_DISPATCHER"] = saved
    celery.conf.update(broker_url=None, task_default_queue="celery")
    celery.close()


@pytest.fixture
def worker(celery_mode, database_url, broker_url, tmp_path):
    environment = os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "worker-test-secret",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(tmp_path),
    }
    command = [sys.executable, "-m", "celery", "-A", "campaign.worker:celery", "worker"]
    options = ["--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO"]
    process = subprocess.Popen(
        [*command, *options, "-Q", celery_mode],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield tmp_path
    process.terminate()
    process.wait(timeout=20)


def test_a_real_celery_worker_sends_mail_committed_by_the_app(app, worker):
    with app.app_context():
        message = queue_email("transport_check", "reader@example.org", transport_check("me"))
        db.session.commit()  # after_commit sends the task to Redis
        message_id = message.id
        try:
            deadline = time.monotonic() + 60
            status = MessageStatus.QUEUED
            while time.monotonic() < deadline and status != MessageStatus.SENT:
                time.sleep(0.2)
                status = db.session.get(OutboundEmail, message_id).status
                db.session.rollback()  # end the read: SQLite would keep the worker waiting
            assert status == MessageStatus.SENT
            assert (worker / f"outbound_id{message_id}.eml").exists()
        finally:
            db.session.rollback()
            db.session.execute(delete(OutboundEmail))
            db.session.commit()
            db.session.remove()


def test_celery_beat_keeps_its_schedule_under_instance_not_in_the_checkout(tmp_path):
    checkout, instance = tmp_path / "checkout", tmp_path / "instance"
    checkout.mkdir()
    environment = os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "beat-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'beat.sqlite3'}",
        "CAMPAIGN_INSTANCE_DIR": str(instance),  # not made yet: a host without instance/
        # Nothing listens there: beat writes its schedule before it sends anything.
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "campaign.worker:celery", "beat"],
        cwd=checkout,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(instance.glob("celerybeat-schedule*")):
            assert process.poll() is None, "celery beat stopped"
            time.sleep(0.2)
        assert list(instance.glob("celerybeat-schedule*"))
        assert list(checkout.iterdir()) == []
    finally:
        process.terminate()
        process.wait(timeout=20)
