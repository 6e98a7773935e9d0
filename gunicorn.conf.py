"""gunicorn reads this file from the directory it starts in: the checkout, as README runs it."""


def on_starting(server) -> None:
    """Check the settings once, in the master, before any worker starts.

    Otherwise every worker would fail on its own with the same line, and gunicorn, stopping
    them all at once, prints a traceback of its own.
    """
    # Every gunicorn started here reads this file, also one serving another app (the bench's).
    if not (server.app.app_uri or "").startswith("campaign"):
        return
    import config
    from campaign import stop_on_bad_settings

    with stop_on_bad_settings():
        config.check_environment()


def post_worker_init(worker) -> None:
    """Let the app's load shedder measure the queue of the sockets this worker serves."""
    shedder = getattr(worker.wsgi, "extensions", {}).get("load_shedder")
    if shedder is None:
        return
    at_once = worker.cfg.workers * max(1, worker.cfg.threads)
    # A threaded worker accepts at once and queues requests for its threads itself.
    pool = getattr(worker, "tpool", None)
    waiting = (lambda: pool._work_queue.qsize()) if pool is not None else None
    shedder.watch([listener.sock for listener in worker.sockets], at_once, waiting)
