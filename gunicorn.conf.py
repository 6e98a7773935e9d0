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
    """Let the app's load shedder see the queue of requests waiting for this worker."""
    from campaign.load_shedding import watch_gunicorn_worker

    watch_gunicorn_worker(worker)
