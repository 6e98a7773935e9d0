"""The campaign app with one slow page added, for tests of what happens past capacity:
`gunicorn 'tests.slow_site:create()'`."""

import time

from flask import Flask

from campaign import create_app

SLOW_SECONDS = 0.3


def create() -> Flask:
    app = create_app()

    @app.get("/tests/slow")
    def slow() -> str:
        time.sleep(SLOW_SECONDS)
        return "slow"

    return app
