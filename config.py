"""Settings, read from environment variables with safe defaults.

`create_app()` picks `ProductionConfig` unless `CAMPAIGN_ENV=development` (set by `make run`);
tests pass `TestingConfig`. Every name below is documented in README.md.
"""

import os
import re
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("CAMPAIGN_INSTANCE_DIR", ROOT / "instance"))

# Malformed values met while the settings below are read (at import). `Config.prepare` refuses
# to start with them, so every command and server stops with one line instead of a traceback.
MALFORMED: list[str] = []


class SettingsError(RuntimeError):
    """Settings that make start-up impossible; the message names the setting, in one line."""


def env_int(name: str, default: int) -> int:
    """An integer setting; a malformed value is noted, and refused at start-up."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        MALFORMED.append(f"{name} must be a whole number, not {raw!r}.")
        return default


def env_flag(name: str, default: bool) -> bool:
    """An on/off setting (1/0, true/false, yes/no, on/off); a malformed value is noted."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    problem = f"{name} must be on or off (1 or 0), not {raw!r}."
    if problem not in MALFORMED:  # read once for each settings class that has its own default
        MALFORMED.append(problem)
    return default


# A v3 onion service's address: 56 base32 characters (the service's key and a checksum).
ONION_ORIGIN = re.compile(r"https?://[a-z2-7]{56}\.onion")


def env_onion_url(name: str) -> str:
    """The address of the site as an onion service, or "" when it has none."""
    raw = (os.environ.get(name) or "").strip().rstrip("/")
    if raw and not ONION_ORIGIN.fullmatch(raw):
        MALFORMED.append(
            f"{name} must be an onion service's address like http://<56 letters>.onion,"
            f" not {raw!r}."
        )
        return ""
    return raw


def env_decimal(name: str, default: str) -> Decimal:
    """A decimal setting, such as a percentage; a malformed value is noted, refused at start-up."""
    raw = os.environ.get(name) or default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        MALFORMED.append(f"{name} must be a number like {default}, not {raw!r}.")
        return Decimal(default)
    return value


def development_secret_key() -> str:
    """A random key kept under instance/ so local sessions survive a restart."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'campaign.sqlite3'}"
    )
    PORT = env_int("PORT", 5000)  # where `make run` serves the local site
    # Unset, it is the local site's address, so links in email follow `make run PORT=…`.
    SITE_URL = (os.environ.get("SITE_URL") or f"http://127.0.0.1:{PORT}").rstrip("/")
    SITE_NAME = os.environ.get("SITE_NAME", "Campaign")
    # Set, public pages tell Tor Browser of it (Onion-Location) and form notes name it.
    SITE_ONION_URL = env_onion_url("SITE_ONION_URL")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Campaign")
    ORGANISATION_ADDRESS = os.environ.get("ORGANISATION_ADDRESS", "")
    # The site's languages, the first its default (served at the root; the others under
    # /<tag>/). Each needs a catalog in campaign/translations; `make translations` adds one.
    LANGUAGES = tuple(os.environ.get("LANGUAGES", "en ug zh-Hans tr ar").split())
    MAIL_FROM = os.environ.get("MAIL_FROM", "Campaign <campaign@localhost>")
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT", "file")
    MAIL_FILE_DIR = os.environ.get("MAIL_FILE_DIR", str(INSTANCE / "mail"))
    # Uploaded images' clean renditions; several app servers must share one such directory.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE / "uploads"))
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)  # what decoding may hold
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 10)
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_RATE_PER_SECOND = env_int("MAIL_RATE_PER_SECOND", 50)  # 0: as fast as the transport
    MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 500)  # recipients an update batch (max 1000)
    UPDATE_BATCH_LEASE_SECONDS = env_int("UPDATE_BATCH_LEASE_SECONDS", 120)
    UPDATE_RETRY_SECONDS = env_int("UPDATE_RETRY_SECONDS", 5)
    UPDATE_PARALLEL_TASKS = env_int("UPDATE_PARALLEL_TASKS", 4)  # Celery tasks per update
    # "thread" or "celery", chosen from CELERY_BROKER_URL unless set (tests send by hand).
    MAIL_DISPATCHER = os.environ.get("MAIL_DISPATCHER")
    SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY")
    SENDGRID_API_HOST = os.environ.get("SENDGRID_API_HOST", "https://api.sendgrid.com")
    SENDGRID_WEBHOOK_PUBLIC_KEY = os.environ.get("SENDGRID_WEBHOOK_PUBLIC_KEY")
    SENDGRID_WEBHOOK_MAX_AGE_SECONDS = env_int("SENDGRID_WEBHOOK_MAX_AGE_SECONDS", 300)
    SMTP_URL = os.environ.get("SMTP_URL")
    CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL")
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE")  # tests: a local stand-in
    STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 15)
    # The "cover the fees" estimate: a card payment's typical percentage and fixed part.
    DONATION_FEE_PERCENT = env_decimal("DONATION_FEE_PERCENT", "1.5")
    DONATION_FEE_FIXED = env_int("DONATION_FEE_FIXED", 20)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "campaign-memory://")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    # Exporting, importing, erasing, bulk invalidation, sending an update and managing
    # organisers ask the organiser to prove it is them again once this long has passed.
    REAUTH_MINUTES = env_int("REAUTH_MINUTES", 15)
    # Every organiser must have a second factor (an authenticator app): one without is led to
    # set one up right after the password and can reach nothing else in the console until then.
    REQUIRE_2FA = env_flag("REQUIRE_2FA", True)
    SUBSCRIBE_RATE_LIMIT = os.environ.get("SUBSCRIBE_RATE_LIMIT", "5 per minute;30 per hour")
    CONFIRM_RATE_LIMIT = os.environ.get("CONFIRM_RATE_LIMIT", "10 per minute;60 per hour")
    # Sign-ups per client address: a burst limit and a daily one (shared addresses, such as a
    # university's or a mobile carrier's, need room).
    SIGN_RATE_LIMIT = os.environ.get("SIGN_RATE_LIMIT", "20 per minute;500 per day")
    # Gifts started per client address: each one opens a Stripe Checkout session.
    DONATE_RATE_LIMIT = os.environ.get("DONATE_RATE_LIMIT", "10 per minute;100 per day")
    # How long a confirmation link (a subscription's or a signature's) works; unsubscribe
    # links never expire.
    CONFIRM_TOKEN_DAYS = env_int("CONFIRM_TOKEN_DAYS", 7)
    # Public views name a country only with at least this many signers; the rest are "other".
    PUBLIC_BREAKDOWN_MIN = env_int("PUBLIC_BREAKDOWN_MIN", 5)
    # This many days after a petition closes, its unconfirmed signatures are deleted and the
    # confirmed ones anonymised (the count and the countries stay); the console warns a week
    # before, while the delivery CSV can still be taken.
    RETENTION_DAYS = env_int("RETENTION_DAYS", 180)
    # Sent emails keep their words (and .eml files) this many days; then only the row stays.
    MAIL_BODY_DAYS = env_int("MAIL_BODY_DAYS", 30)
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    # Public pages (and the counts in them) may be this many seconds behind the database: each
    # process answers repeated requests from memory meanwhile. 0 turns the page cache off.
    PAGE_CACHE_SECONDS = float(env_decimal("PAGE_CACHE_SECONDS", "1"))
    PAGE_CACHE_ENTRIES = env_int("PAGE_CACHE_ENTRIES", 500)
    # Under gunicorn, a request that would wait longer than this for a worker is refused at
    # once with 503 and Retry-After (see campaign/load_shedding.py). 0 never refuses.
    SHED_AFTER_SECONDS = float(env_decimal("SHED_AFTER_SECONDS", "0.5"))
    # Argon2id parameters (RFC 9106's second recommended set); tests lower them.
    PASSWORD_TIME_COST = 3
    PASSWORD_MEMORY_COST = 65536
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # hide_parameters: a failed statement's message (logged with its traceback) would otherwise
    # quote the values it carried, such as a signer's email and name.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    @classmethod
    def prepare(cls, settings: dict) -> None:
        """Refuse to start with settings that are unsafe or impossible (SettingsError)."""
        if MALFORMED:
            raise SettingsError(" ".join(MALFORMED))
        if not settings.get("SECRET_KEY"):
            raise SettingsError(
                "SECRET_KEY is not set. In production it must come from the environment "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if settings["PAGE_CACHE_SECONDS"] < 0 or settings["PAGE_CACHE_ENTRIES"] < 1:
            raise SettingsError(
                "PAGE_CACHE_SECONDS must be 0 or more, and PAGE_CACHE_ENTRIES at least 1."
            )
        if not settings["LANGUAGES"]:
            raise SettingsError("LANGUAGES must name at least one language, such as en.")
        if settings["SHED_AFTER_SECONDS"] < 0:
            raise SettingsError("SHED_AFTER_SECONDS must be 0 or more.")
        if settings["RETENTION_DAYS"] < 1 or settings["MAIL_BODY_DAYS"] < 1:
            raise SettingsError("RETENTION_DAYS and MAIL_BODY_DAYS must be at least 1 (days).")
        if not 1 <= settings["MAIL_BATCH_SIZE"] <= 1000:
            raise SettingsError("MAIL_BATCH_SIZE must be between 1 and 1000 (SendGrid's limit).")


class ProductionConfig(Config):
    pass


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    # The local site is served over plain http://127.0.0.1.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    # Off locally, so trying the console takes only the printed password; REQUIRE_2FA=1 turns
    # it on.
    REQUIRE_2FA = env_flag("REQUIRE_2FA", False)

    @classmethod
    def prepare(cls, settings: dict) -> None:
        """Fill in a local secret key instead of refusing to start without one."""
        settings["SECRET_KEY"] = settings.get("SECRET_KEY") or development_secret_key()
        super().prepare(settings)


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SITE_URL = "http://campaign.test"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_TIME_COST = 1
    PASSWORD_MEMORY_COST = 32  # argon2 needs 8 KiB for each of its 4 lanes
    RATELIMIT_STORAGE_URI = "campaign-memory://"
    REQUIRE_2FA = False  # the tests of the guard turn it on
    MAIL_TRANSPORT = "file"
    MAIL_DISPATCHER = "manual"
    MAIL_RATE_PER_SECOND = 0  # unpaced; the pacing test sets its own rate
    # Tests read pages right after changing what they show; the page cache's own tests turn
    # it on.
    PAGE_CACHE_SECONDS = 0
    UPDATE_RETRY_SECONDS = 0
    CELERY_BROKER_URL = None


def config_for_environment() -> type[Config]:
    """The config class named by CAMPAIGN_ENV (production unless told otherwise)."""
    name = os.environ.get("CAMPAIGN_ENV", "production")
    classes = {"production": ProductionConfig, "development": DevelopmentConfig}
    if name not in classes:
        raise SettingsError(f"CAMPAIGN_ENV must be 'production' or 'development', not {name!r}.")
    return classes[name]


def check_environment() -> None:
    """Raise SettingsError if the environment's settings could not start the app."""
    settings = config_for_environment()
    settings.prepare({name: getattr(settings, name) for name in dir(settings) if name.isupper()})
