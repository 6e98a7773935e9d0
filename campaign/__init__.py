"""The campaign toolkit: `create_app()` builds the Flask application."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

import config
from campaign import (
    caching,
    celery_app,
    cli,
    errors,
    input_guard,
    load_shedding,
    page_cache,
    security,
    templating,
)
from campaign.extensions import csrf, db, limiter, login_manager, migrate
from campaign.mailer import background as mail_background

ROOT = Path(__file__).resolve().parent.parent
# gunicorn's exit code for "App failed to load": its master stops, instead of starting
# workers that fail again and again. Any other command just exits non-zero.
BAD_SETTINGS_EXIT = 4


def create_app(config_object: type[config.Config] | None = None) -> Flask:
    """Build the app for the given settings class (default: from CAMPAIGN_ENV).

    Settings that make start-up impossible stop the process with one line on stderr.
    """
    with stop_on_bad_settings():
        settings = config_object or config.config_for_environment()
        app = Flask(
            __name__,
            template_folder=str(ROOT / "templates"),
            instance_path=str(config.INSTANCE),
        )
        app.config.from_object(settings)
        settings.prepare(app.config)
    input_guard.init_app(app)  # first: its converter and check must see every route
    init_extensions(app)
    init_features(app)
    errors.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    templating.init_app(app)
    mail_background.init_app(app)
    celery_app.init_app(app)
    cli.init_app(app)
    # Around the app: the shedder measures every request and refuses, when busy, only what
    # the page cache cannot answer; the cache keys on the scheme and host the proxy reports.
    load_shedding.init_app(app, page_cache.install(app))
    security.trust_proxies(app)
    return app


@contextmanager
def stop_on_bad_settings() -> Iterator[None]:
    """Turn a SettingsError into one line and an exit: flask, gunicorn and celery alike."""
    try:
        yield
    except config.SettingsError as error:
        print(f"campaign: {error}", file=sys.stderr)
        raise SystemExit(BAD_SETTINGS_EXIT) from None


def init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)


def init_features(app: Flask) -> None:
    """Each feature registers its blueprints, commands, sweeps and hooks on the app."""
    # Imported here, not above: this package holds every module of the toolkit, so this file
    # runs whenever one of them is imported (a Celery task's campaign.petitions.signing, say),
    # and only building an app should bring in every feature's web layer.
    from campaign.features import FEATURES

    for feature in FEATURES:
        feature.init_app(app)
