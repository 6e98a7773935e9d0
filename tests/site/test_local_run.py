"""`make run` as a newcomer runs it, on a port of their choosing, in a process of its own."""

import http.client
import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.processes import ROOT
from tests.standins.smtp import free_port

WAIT = 120  # seconds: migrating and loading the demo on a busy machine
# Settings the suite's own environment may hold that would steer the local site elsewhere.
NOT_PASSED_ON = {
    *("SITE_URL", "DATABASE_URL", "SECRET_KEY", "CAMPAIGN_ENV", "CELERY_BROKER_URL"),
    *("MAIL_TRANSPORT", "MAIL_FILE_DIR", "MAIL_DISPATCHER", "PORT"),
    *("MAKEFLAGS", "MFLAGS", "MAKELEVEL"),
}


def wait_for(condition, what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up after {WAIT} s waiting for {what}\n{log.read_text()}")


def request(port: int, method: str, path: str, body: str = "", **headers) -> int:
    """The status of one request to the local site."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz") == 200
    except OSError:
        return False


@pytest.fixture
def local_site(tmp_path):
    """`make run PORT=…` with its instance folder in tmp_path; its port, folder and log."""
    port, log = free_port(), tmp_path / "make-run.log"
    environment = {
        name: value for name, value in os.environ.items() if name not in NOT_PASSED_ON
    } | {"CAMPAIGN_INSTANCE_DIR": str(tmp_path / "instance")}
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the flask it starts end together
        )
    try:
        wait_for(lambda: answers(port), "the local site", log)
        yield port, tmp_path / "instance", log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_run_on_another_port_serves_there_and_every_link_names_it(local_site):
    port, instance, log = local_site
    site = f"http://127.0.0.1:{port}"

    assert f"Console: {site}/admin/login" in log.read_text()
    form = urlencode({"email": "newcomer@example.org", "name": "New"})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"}
    assert request(port, "POST", "/subscribe", form, **headers) == 200

    def confirmation() -> str:
        mails = [path.read_text() for path in (instance / "mail").glob("*.eml")]
        return next((mail for mail in mails if "newcomer@example.org" in mail), "")

    wait_for(confirmation, "the confirmation email", log)
    # Plain text or quoted-printable HTML: the link names the port in both parts.
    assert f"{site}/subscribe/confirm/" in confirmation()
    assert "127.0.0.1:5000" not in confirmation()
