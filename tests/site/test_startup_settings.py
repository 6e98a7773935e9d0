"""A malformed setting stops every way of starting the app with one line naming it: the flask
commands, gunicorn (as README runs it, and its --check-config) and a Celery worker."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import ROOT
from tests.standins.smtp import free_port

BIN = Path(sys.executable).parent
WAIT = 60

GUNICORN = [BIN / "gunicorn", "--no-control-socket"]  # others may run one: no shared socket
CELERY = [sys.executable, "-m", "celery", "-A", "campaign.worker:celery"]
STARTS = {
    "flask": [sys.executable, "-m", "flask", "--app", "campaign", "db", "upgrade"],
    "gunicorn --check-config": [*GUNICORN, "--check-config", "campaign:create_app()"],
    # As README deploys it: several workers, each of which would load the app.
    "gunicorn": [*GUNICORN, "--workers", "4", "--bind", "127.0.0.1:0", "campaign:create_app()"],
    "celery": [*CELERY, "worker", "--pool=solo"],
}
MALFORMED = [
    ({"MAIL_BATCH_SIZE": "abc"}, "campaign: MAIL_BATCH_SIZE must be a whole number, not 'abc'."),
    (
        {"DONATION_FEE_PERCENT": "x"},
        "campaign: DONATION_FEE_PERCENT must be a number like 1.5, not 'x'.",
    ),
]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    return (
        os.environ
        | {
            "CAMPAIGN_ENV": "production",
            "SECRET_KEY": "startup-test-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'startup.sqlite3'}",
            "CAMPAIGN_INSTANCE_DIR": str(tmp_path / "instance"),
            "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",  # nothing listens: nothing must start
            "MAIL_BATCH_SIZE": "",
            "DONATION_FEE_PERCENT": "",
            "REQUIRE_2FA": "",
        }
        | settings
    )


@pytest.mark.parametrize("start", STARTS.values(), ids=STARTS.keys())
@pytest.mark.parametrize(("settings", "line"), MALFORMED, ids=["whole number", "decimal"])
def test_a_malformed_number_stops_start_up_with_one_line(tmp_path, start, settings, line):
    finished = subprocess.run(
        start,
        cwd=ROOT,  # gunicorn reads gunicorn.conf.py from here
        env=environment(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )

    output = finished.stdout + finished.stderr
    assert finished.returncode == 4, output
    assert [each for each in output.splitlines() if "campaign:" in each] == [line]
    assert "Traceback" not in output
    assert not (tmp_path / "startup.sqlite3").exists()  # nothing ran before it stopped


def test_a_malformed_on_or_off_setting_stops_start_up_with_one_line(tmp_path):
    finished = subprocess.run(
        STARTS["flask"],
        cwd=ROOT,
        env=environment(tmp_path, REQUIRE_2FA="maybe"),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )

    output = finished.stdout + finished.stderr
    assert finished.returncode == 4, output
    assert [each for each in output.splitlines() if "campaign:" in each] == [
        "campaign: REQUIRE_2FA must be on or off (1 or 0), not 'maybe'."
    ]


@pytest.mark.parametrize(
    ("app", "path", "settings"),
    [
        ("campaign:create_app()", "/healthz", {"DONATION_FEE_PERCENT": "2.9"}),
        # gunicorn.conf.py checks only our app: the bench's bare one starts whatever they hold.
        ("bench.hello:app", "/hello", {"MAIL_BATCH_SIZE": "abc"}),
    ],
    ids=["campaign", "another app"],
)
def test_gunicorn_starts_and_serves_when_the_settings_it_checks_are_good(
    tmp_path, app, path, settings
):
    port, log = free_port(), tmp_path / "gunicorn.log"
    command = [*GUNICORN, "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, app],
            cwd=ROOT,
            env=environment(tmp_path, **settings),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    request = f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode()
    try:
        deadline, answer = time.monotonic() + WAIT, b""
        while time.monotonic() < deadline and b"200 OK" not in answer:
            assert process.poll() is None, log.read_text()
            time.sleep(0.2)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
                    connection.sendall(request)
                    answer = connection.recv(200)
            except OSError:
                continue
        assert b"200 OK" in answer, log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT)
