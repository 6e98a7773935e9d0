"""Past capacity, requests are refused at once with 503 and Retry-After, never left waiting."""

import http.client
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from markupsafe import escape

from campaign.load_shedding import RETRY_AFTER_SECONDS
from campaign.petitions.models import Signature
from tests.conftest import PAGE_CACHE_LIFE
from tests.factories.petitions import make_petition
from tests.helpers import in_language
from tests.processes import gunicorn
from tests.slow_site import SLOW_SECONDS


@contextmanager
def queue_of(waiting: int) -> Iterator[socket.socket]:
    """A listening socket with `waiting` connections the kernel holds, not yet accepted."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    clients = [socket.create_connection(listener.getsockname()) for _ in range(waiting)]
    try:
        yield listener
    finally:
        for client in clients:
            client.close()
        listener.close()


@pytest.fixture
def shedder(app):
    shedder = app.extensions["load_shedder"]
    yield shedder
    shedder.listeners, shedder.mean_seconds, shedder.refused = [], 0.0, 0


def test_the_queue_is_read_from_the_kernel(shedder):
    with queue_of(12) as listener:
        shedder.watch([listener], served_at_once=2)
        deadline = time.monotonic() + 5
        while shedder.waiting() < 12 and time.monotonic() < deadline:
            time.sleep(0.01)  # the kernel finishes the handshakes on its own time

        assert shedder.waiting() == 12


def test_a_sign_up_that_would_wait_too_long_is_refused_and_nothing_is_kept(
    client, session, shedder
):
    petition = make_petition()
    session.commit()
    with queue_of(20) as listener:
        shedder.watch([listener], served_at_once=2)
        shedder.mean_seconds = 0.2  # as if each request took this long: 2 s of queue
        refused = client.post(
            f"/petitions/{petition.slug}/sign",
            data={"name": "A", "email": "a@example.org", "country": "GB"},
        )
        health = client.get("/healthz")

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert refused.headers["Cache-Control"] == "no-store"
    assert "Nothing was recorded" in refused.get_data(as_text=True)
    assert health.status_code == 200
    assert session.query(Signature).count() == 0


@pytest.mark.parametrize(
    ("language", "html"),
    [("en", '<html lang="en" dir="ltr">'), ("ug", '<html lang="ug" dir="rtl">')],
)
def test_a_refusal_is_in_the_language_of_the_address(client, session, shedder, language, html):
    prefix = "" if language == "en" else f"/{language}"
    petition = make_petition()
    session.commit()
    with queue_of(20) as listener:
        shedder.watch([listener], served_at_once=2)
        shedder.mean_seconds = 0.2
        refused = client.post(
            f"{prefix}/petitions/{petition.slug}/sign",
            data={"name": "A", "email": "a@example.org", "country": "GB"},
        )

    assert refused.status_code == 503
    page = refused.get_data(as_text=True)
    assert html in page
    refusal = in_language(
        language,
        "So many people are here at once that we could not take your request. Nothing was "
        "recorded: please go back and try again in %(num)s second.",
        "So many people are here at once that we could not take your request. Nothing was "
        "recorded: please go back and try again in %(num)s seconds.",
        RETRY_AFTER_SECONDS,
    )
    assert str(RETRY_AFTER_SECONDS) in refusal and str(escape(refusal)) in page
    assert ("Nothing was recorded" in page) == (language == "en")


def test_a_short_queue_is_served(client, session, shedder):
    petition = make_petition()
    session.commit()
    with queue_of(2) as listener:
        shedder.watch([listener], served_at_once=2)
        shedder.mean_seconds = 0.2  # 0.2 s of queue: under SHED_AFTER_SECONDS

        assert client.get(f"/petitions/{petition.slug}").status_code == 200


def ask(port: int, path: str) -> tuple[int, float, str | None]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started, response.getheader("Retry-After")
    finally:
        connection.close()


@pytest.mark.parametrize(
    "worker",
    [(), ("--worker-class", "gthread", "--threads", "2")],
    ids=["sync worker", "threaded worker"],
)
def test_under_gunicorn_a_crowd_past_capacity_gets_quick_refusals_not_a_long_wait(tmp_path, worker):
    environment = os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "load-shedding-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shedding.sqlite3'}",
        "CAMPAIGN_INSTANCE_DIR": str(tmp_path),
        "MAIL_DISPATCHER": "manual",
        "CELERY_BROKER_URL": "",
        "SHED_AFTER_SECONDS": "0.5",
    }
    log = tmp_path / "gunicorn.log"
    with gunicorn("tests.slow_site:create()", environment, log, options=worker) as url:
        port = int(url.rsplit(":", 1)[1])
        for _ in range(10):
            ask(port, "/tests/slow")  # the worker learns how long the page takes
        crowd = 20
        answers: list[tuple[int, float, str | None]] = []
        askers = [
            threading.Thread(target=lambda: answers.append(ask(port, "/tests/slow")))
            for _ in range(crowd)
        ]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()

    served = [answer for answer in answers if answer[0] == 200]
    refused = [answer for answer in answers if answer[0] == 503]
    assert len(served) + len(refused) == crowd
    assert refused and all(retry == str(RETRY_AFTER_SECONDS) for _, _, retry in refused)
    # Served in turn, by one thread or two, the last would wait 6 s or 3 s.
    assert crowd * SLOW_SECONDS / 2 >= 3.0
    assert max(seconds for _, seconds, _ in answers) < 2.0


def test_past_capacity_kept_pages_are_still_served_and_renewed(
    client, session, page_cache, shedder
):
    petition = make_petition(title="The first title")
    session.commit()
    path = f"/petitions/{petition.slug}"
    client.get(path)
    petition.title = "A better title"
    session.commit()
    with queue_of(20) as listener:
        shedder.watch([listener], served_at_once=2)
        shedder.mean_seconds = 0.2
        kept = client.get(path)
        time.sleep(PAGE_CACHE_LIFE + 0.05)
        renewed = client.get(path)

    assert kept.status_code == renewed.status_code == 200
    assert "The first title" in kept.get_data(as_text=True)
    assert "A better title" in renewed.get_data(as_text=True)
    assert shedder.refused == 0
