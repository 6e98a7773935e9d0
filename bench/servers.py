"""What bench.surge measures against: a scratch PostgreSQL database and two gunicorn servers.

BENCH_DATABASE_URL names the scratch database (default campaign_bench on 127.0.0.1). It is
dropped and created again, and dropped at the end even on error; its name must contain
"bench", so a mistyped URL cannot drop a database that matters.
"""

import contextlib
import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/campaign_bench"
START_TIMEOUT = 30.0  # seconds for a server to answer after it is started
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 10.0


class BenchError(RuntimeError):
    """The bench cannot run; the message says why."""


# The scratch database


def scratch_url() -> URL:
    url = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    if not url.drivername.startswith("postgresql"):
        raise BenchError(f"BENCH_DATABASE_URL must be PostgreSQL, not {url.drivername}.")
    if url.host not in (HOST, "localhost"):
        raise BenchError(f"BENCH_DATABASE_URL must point at {HOST}, not {url.host}.")
    if not url.database or "bench" not in url.database:
        raise BenchError(
            f"BENCH_DATABASE_URL names {url.database!r}; the bench drops that database, so its "
            f'name must contain "bench" (default: {DEFAULT_DATABASE_URL}).'
        )
    return url


def libpq(url: URL) -> str:
    """The URL as psycopg itself takes it (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _drop_and_create(url: URL, create: bool) -> None:
    # Identifiers cannot be bound parameters; scratch_url() has checked the name.
    name = url.database.replace('"', '""')
    with psycopg.connect(libpq(url.set(database="postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def scratch_database(url: URL) -> Iterator[None]:
    """A fresh, empty database at `url`, dropped afterwards whatever happens."""
    _drop_and_create(url, create=True)
    try:
        yield
    finally:
        _drop_and_create(url, create=False)


def flask_command(environment: dict[str, str], *arguments: str) -> None:
    """Run `flask --app campaign ...` against the scratch database; raise if it fails."""
    command = [sys.executable, "-m", "flask", "--app", "campaign", *arguments]
    result = subprocess.run(
        command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(arguments)} failed:\n{result.stdout}{result.stderr}")


def campaign_environment(url: URL, work: Path) -> dict[str, str]:
    """Production mode on the scratch database, mail to files, the sign rate limit lifted.

    One secret for the whole run: links mailed by one server still work on the next. Each
    server adds its own SITE_URL.
    """
    return os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "CAMPAIGN_INSTANCE_DIR": str(work / "instance"),
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(work / "mail"),
        "MAIL_RATE_PER_SECOND": "0",
        "MAIL_DISPATCHER": "",  # the production default: a thread, as without Celery
        "CELERY_BROKER_URL": "",
        "RATELIMIT_STORAGE_URI": "campaign-memory://",  # the default without Redis
        # Every request of the bench comes from 127.0.0.1.
        "SIGN_RATE_LIMIT": "1000000000 per minute",
    }


# The servers


@dataclass(frozen=True)
class Settings:
    """gunicorn's settings, the same for both servers."""

    worker_class: str
    workers: int
    threads: int

    def with_workers(self, workers: int) -> "Settings":
        return Settings(self.worker_class, workers, self.threads)

    def __str__(self) -> str:
        threads = f"{self.threads} thread{'s' if self.threads > 1 else ''}"
        workers = f"{self.workers} worker{'s' if self.workers > 1 else ''}"
        return f"gunicorn {self.worker_class}, {workers} x {threads}"


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    settings: Settings

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    name: str,
    app: str,
    port: int,
    environment: dict[str, str],
    settings: Settings,
    logs: Path,
) -> Iterator[Server]:
    """Serve `app` on 127.0.0.1:`port` until the block ends; the process is always stopped."""
    log = logs / f"{name}-{settings.workers}.log"
    # Started from the checkout, so both read its gunicorn.conf.py, as README's deploy does.
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--worker-class", settings.worker_class,
        "--workers", str(settings.workers),
        "--threads", str(settings.threads),
        "--graceful-timeout", "5",
        "--error-logfile", str(log),
        "--no-control-socket",  # two servers at once would share ~/.gunicorn/gunicorn.ctl
        app,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    server = Server(name, port, process, log, settings)
    try:
        wait_until_ready(server)
        yield server
    except BenchError:
        print(f"--- {name} server's log:\n{tail(log)}", file=sys.stderr)
        raise
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def wait_until_ready(server: Server) -> None:
    """Poll until the server answers at all; fail if it dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"the {server.name} server exited")
        with contextlib.suppress(OSError):
            fetch(server.port, "/")
            return
        time.sleep(0.1)
    raise BenchError(f"the {server.name} server did not answer within {START_TIMEOUT:.0f} s")


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """GET `path` on a connection of its own, with no cache in between: status and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def tail(log: Path, lines: int = 15) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
