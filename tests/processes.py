"""Commands of the app run in processes of their own, as an operator or a server runs them."""

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.standins.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
# Upper bound for every wait: generous, because a loaded machine (a whole test suite running
# alongside) can take many seconds just to start a command.
WAIT = 60.0


def start_logged(module_args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """`python -m …` from the repository's root, its output appended to `log`."""
    # Output to a file, not a pipe: nobody reads a pipe while we wait, and a full one blocks.
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", *module_args],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def mailer_send(
    update_slug: str, database_url: str, sendgrid_url: str, log: Path, **settings
) -> subprocess.Popen:
    """`flask --app campaign mailer send SLUG` in a process of its own, as an operator runs it:
    in production mode, sending through SendGrid at `sendgrid_url` (a stand-in) unpaced, with
    `settings` (MAIL_BATCH_SIZE, UPDATE_BATCH_LEASE_SECONDS…) on top."""
    environment = os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": "fault-test-secret",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "",
        "MAIL_TRANSPORT": "sendgrid",
        "SENDGRID_API_KEY": "x",
        "SENDGRID_API_HOST": sendgrid_url,
        "MAIL_RATE_PER_SECOND": "0",
        "UPDATE_RETRY_SECONDS": "0",
    }
    environment |= {name: str(value) for name, value in settings.items()}
    command = ["flask", "--app", "campaign", "mailer", "send", update_slug]
    return start_logged(command, environment, log)


def wait_for(condition: Callable[[], bool], what: str, log: Path | None = None) -> None:
    """Poll `condition` until it holds; fail with the processes' output after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    output = log.read_text() if log and log.exists() else ""
    pytest.fail(f"gave up after {WAIT} s waiting for {what}\n{output}")


def kill(process: subprocess.Popen) -> None:
    """SIGKILL, as the out-of-memory killer or a hard time limit would; then reap it."""
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=WAIT)


def terminate(process: subprocess.Popen) -> None:
    """Stop a server the way its supervisor does (SIGTERM), killing it if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait(timeout=WAIT)


def answers(port: int, path: str) -> bool:
    """True when a server on 127.0.0.1:`port` answers `GET path` with 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(
    app_uri: str,
    env: dict[str, str],
    log: Path,
    workers: int = 1,
    ready_path: str = "/healthz",
    options: tuple[str, ...] = (),
) -> Iterator[str]:
    """`gunicorn APP_URI` on a free port, as README runs it; its URL once `ready_path` answers."""
    port = free_port()
    # No control socket: another gunicorn (another engineer's test run) may have one.
    command = ["gunicorn", "--no-control-socket", "--workers", str(workers), *options]
    server = start_logged([*command, "--bind", f"127.0.0.1:{port}", app_uri], env, log)
    try:
        wait_for(lambda: server.poll() is not None or answers(port, ready_path), "gunicorn", log)
        assert server.poll() is None, log.read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        terminate(server)
