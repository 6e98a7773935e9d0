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
    register_blueprints(app)
    connect_hooks(app)
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


def register_blueprints(app: Flask) -> None:
    from campaign.accounts import bp as accounts_bp
    from campaign.admin import bp as admin_bp
    from campaign.audience import bp as audience_bp
    from campaign.audience.console import bp as audience_console_bp
    from campaign.content import bp as content_bp
    from campaign.donations import bp as donations_bp
    from campaign.donations.console import bp as donations_console_bp
    from campaign.health import bp as health_bp
    from campaign.mailer.console import bp as mailer_console_bp
    from campaign.petitions import bp as petitions_bp
    from campaign.petitions.console import bp as petitions_console_bp
    from campaign.updates import bp as updates_bp
    from campaign.updates.console import bp as updates_console_bp
    from campaign.webhooks import bp as webhooks_bp

    app.register_blueprint(content_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(audience_bp)
    app.register_blueprint(petitions_bp)
    app.register_blueprint(donations_bp)
    app.register_blueprint(updates_bp)
    app.register_blueprint(webhooks_bp, url_prefix="/webhooks")
    app.register_blueprint(accounts_bp, url_prefix="/admin")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audience_console_bp, url_prefix="/admin/subscribers")
    app.register_blueprint(mailer_console_bp, url_prefix="/admin/mail")
    app.register_blueprint(petitions_console_bp, url_prefix="/admin/petitions")
    app.register_blueprint(donations_console_bp, url_prefix="/admin/donations")
    app.register_blueprint(updates_console_bp, url_prefix="/admin/updates")


def connect_hooks(app: Flask) -> None:
    from campaign import signals
    from campaign.donations.actions import give
    from campaign.petitions.actions import sign_petitions
    from campaign.petitions.counting import tally_sweep
    from campaign.updates.events import record_delivery_event
    from campaign.updates.hub import latest_updates
    from campaign.updates.runner import send_updates

    signals.sweep.connect(tally_sweep, sender=app)
    signals.sweep.connect(send_updates, sender=app)
    signals.mail_event.connect(record_delivery_event, sender=app)
    signals.calls_to_action.connect(sign_petitions, sender=app)
    signals.calls_to_action.connect(give, sender=app)
    signals.hub_section.connect(latest_updates, sender=app)
