"""Past capacity, a fast 503 with Retry-After instead of a queue that outlasts the client.

gunicorn's workers take connections from one listening socket, and the kernel queues the rest;
a threaded worker also queues what it accepted for its threads. A request is refused at once
(503, Retry-After, a page saying nothing was recorded) when it has already waited longer than
SHED_AFTER_SECONDS in a threaded worker's queue; a sync worker cannot tell, so there it is
refused when the queue ahead of it holds more work than that: its length, times the mean time
a served request takes here, over the number served at once. Only what the page cache cannot
answer is refused. Refusing costs far less
than serving, so the queue drains and every client gets an answer while it still waits,
instead of a timeout after a long wait.

The kernel's queue is its own count, read with TCP_INFO from the listening socket (for a
listener, tcpi_unacked holds its accept queue). Without gunicorn (`flask run`, tests without
a server) there is no listener to read, and nothing is refused.

The refusal is rendered once per language at start-up, and a request is refused in the
language of its path's prefix.
"""

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask, render_template
from flask_babel import ngettext

from campaign.i18n.site import LANGUAGE_KEY
from campaign.page_cache import BUSY

# Offset of tcpi_unacked in Linux's struct tcp_info: eight one-byte fields, then rto,
# ato, snd_mss and rcv_mss (four bytes each).
_UNACKED_AT = 24
RETRY_AFTER_SECONDS = 5
# A load balancer that sees its health check refused takes the server out: worse in a surge.
NEVER_REFUSED = frozenset({"/healthz"})
_REFUSED = "campaign.refused"
# Weight of each request in the running mean of how long one takes.
_LEARNING_RATE = 0.1


class LoadShedder:
    """Two WSGI layers, one per process: `measure` outermost, around the page cache, times
    every request (answers from memory too: they share the queue) and marks a request that
    would wait too long as busy; `refuse`, innermost, refuses a busy request the page cache
    could not answer."""

    def __init__(self, wait_limit: float) -> None:
        self.wait_limit = wait_limit
        self.listeners: list[socket.socket] = []
        self.waiting_inside: Callable[[], int] = lambda: 0
        self.served_at_once = 1
        self.mean_seconds = 0.0
        # The refusal in each language, by the path's first segment ("" for the default).
        self.busy_pages: dict[str, tuple[list[tuple[str, str]], bytes]] = {"": ([], b"")}
        self.refused = 0
        # When the request this thread is about to serve was queued by a threaded worker.
        self.queued = threading.local()

    def watch(
        self,
        listeners: Iterable[socket.socket],
        served_at_once: int,
        waiting_inside: Callable[[], int] | None = None,
    ) -> None:
        """Measure the queue of these listening sockets, served by `served_at_once` requests;
        `waiting_inside` counts requests a threaded worker accepted but has not started."""
        self.listeners = [
            listener
            for listener in listeners
            if listener.family in (socket.AF_INET, socket.AF_INET6)
        ]
        self.served_at_once = max(1, served_at_once)
        if waiting_inside is not None:
            self.waiting_inside = waiting_inside

    def waiting(self) -> int:
        """Requests waiting: connections the kernel holds for these listeners, not yet
        accepted, and those a threaded worker holds for its next free thread."""
        total = self.waiting_inside()
        for listener in self.listeners:
            info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, _UNACKED_AT + 4)
            total += struct.unpack_from("I", info, _UNACKED_AT)[0]
        return total

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait for a worker."""
        return self.waiting() * self.mean_seconds / self.served_at_once

    def _is_busy(self, environ: dict) -> bool:
        if not (self.listeners and self.wait_limit) or environ.get("PATH_INFO") in NEVER_REFUSED:
            return False
        queued_at = getattr(self.queued, "at", None)
        self.queued.at = None
        if queued_at is not None:
            # A threaded worker tells how long this request waited: refuse only those that
            # waited too long, and the threads go on serving as many as they can.
            return time.monotonic() - queued_at > self.wait_limit
        return self.expected_wait() > self.wait_limit

    def busy_page(self, environ: dict) -> tuple[list[tuple[str, str]], bytes]:
        """The refusal's headers and body in the language of the request's path."""
        first = environ.get("PATH_INFO", "")[1:].partition("/")[0]
        return self.busy_pages.get(first) or self.busy_pages[""]

    def measure(self, app: Callable) -> Callable:
        def measured(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if self._is_busy(environ):
                environ[BUSY] = True
            started = time.perf_counter()
            try:
                return app(environ, start_response)
            finally:
                # A refusal says nothing of what serving costs: the queue it leaves does.
                if not environ.get(_REFUSED):
                    took = time.perf_counter() - started
                    self.mean_seconds += (took - self.mean_seconds) * _LEARNING_RATE

        return measured

    def refuse(self, app: Callable) -> Callable:
        def refusing(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if not environ.get(BUSY):
                return app(environ, start_response)
            self.refused += 1
            environ[_REFUSED] = True
            headers, body = self.busy_page(environ)
            start_response("503 Service Unavailable", headers)
            return [body]

        return refusing


def watch_gunicorn_worker(worker) -> None:
    """Called in each gunicorn worker once it has loaded the app (gunicorn.conf.py)."""
    shedder = getattr(worker.wsgi, "extensions", {}).get("load_shedder")
    if shedder is None:
        return  # another app (the bench's bare one)
    at_once = worker.cfg.workers * max(1, worker.cfg.threads)
    pool = getattr(worker, "tpool", None)
    if pool is None:  # a sync worker: the kernel's queue is the only one
        shedder.watch([listener.sock for listener in worker.sockets], at_once)
        return
    # A threaded worker accepts at once and queues connections for its threads itself: count
    # that queue, and stamp each connection as it joins it, so a request knows how long it
    # waited when a thread takes it.
    shedder.watch(
        [listener.sock for listener in worker.sockets],
        at_once,
        lambda: pool._work_queue.qsize(),
    )
    enqueue, handle = worker.enqueue_req, worker.handle

    def stamped(conn) -> None:
        conn.campaign_queued_at = time.monotonic()
        enqueue(conn)

    def handle_stamped(conn):
        shedder.queued.at = getattr(conn, "campaign_queued_at", None)
        return handle(conn)

    worker.enqueue_req, worker.handle = stamped, handle_stamped


def init_app(app: Flask, page_cache: Callable[[Callable], Callable]) -> None:
    """Wrap the app: measure(page_cache(refuse(app))); the busy pages are rendered once, now."""
    shedder = LoadShedder(app.config["SHED_AFTER_SECONDS"])
    default, *others = app.config["LANGUAGES"]
    shedder.busy_pages = {"": _busy_page(app, "", default)}
    shedder.busy_pages |= {
        language: _busy_page(app, "/" + language, language) for language in others
    }
    app.wsgi_app = shedder.measure(page_cache(shedder.refuse(app.wsgi_app)))
    app.extensions["load_shedder"] = shedder


def _busy_page(app: Flask, prefix: str, language: str) -> tuple[list[tuple[str, str]], bytes]:
    # The home page's request as its language's prefix would reach the app (see
    # campaign.i18n.site.LanguageFromPath), so the page is in that language.
    environ = {"SCRIPT_NAME": prefix, LANGUAGE_KEY: language}
    with app.test_request_context("/", environ_overrides=environ):
        message = ngettext(
            "So many people are here at once that we could not take your request. Nothing was "
            "recorded: please go back and try again in %(num)s second.",
            "So many people are here at once that we could not take your request. Nothing was "
            "recorded: please go back and try again in %(num)s seconds.",
            RETRY_AFTER_SECONDS,
        )
        page = app.make_response(
            (render_template("errors/error.html", status=503, message=message), 503)
        )
        page = app.process_response(page)
    page.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    page.headers["Cache-Control"] = "no-store"
    headers = [(name, value) for name, value in page.headers.to_wsgi_list() if name != "Set-Cookie"]
    return headers, page.get_data()
