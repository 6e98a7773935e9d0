"""Benchmark: many people signing one petition at once, against gunicorn on PostgreSQL.

`make bench` runs it; `python -m bench.sign --clients 16 --signatures 2000` by hand.

BENCH_DATABASE_URL names a scratch database (default campaign_bench on 127.0.0.1): it is
dropped and created again, migrated, given the demo campaign and its open petition, and
dropped at the end, even on error. Its name must contain "bench", so a mistyped URL cannot
drop a database that matters.

Two gunicorn servers run the same way (workers x threads, gthread) on free ports of
127.0.0.1: the campaign app in production mode, and a bare Flask "hello" app as the baseline.
Mail goes through the in-process dispatcher thread to the `file` transport in a temporary
folder, unpaced, as a small production site without Celery would send it; its sweeps also run
the tally. The sign rate limit is lifted: every client comes from 127.0.0.1.

Each client, for one fresh address at a time: GET the petition page, POST the sign form (with
`Sec-Fetch-Site: same-origin`, as a browser on our page sends), read the newest email to that
address from the outbox table, POST its confirmation link. Every request opens its own
connection, for both servers alike. The same clients then GET /hello as many times as they
made requests to the campaign.

Exits non-zero (FAIL) when a request failed or the petition's JSON count is not the demo's
count plus the confirmations made.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from sqlalchemy.engine import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/campaign_bench"
SLUG = "un-access-xinjiang"  # the demo's open petition
START_TIMEOUT = 30.0  # seconds for a server to answer after it is started
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 30.0
COUNTRIES = ("GB", "US", "DE", "FR", "TR", "KZ", "NL", "SE", "CA", "AU")
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+(/petitions/[^/\s]+/confirm/\S+)")


class BenchError(RuntimeError):
    """The bench cannot run; the message says why."""


@dataclass
class Timings:
    """Latencies in seconds per step, shared by the client threads."""

    steps: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, step: str, seconds: float) -> None:
        with self.lock:
            self.steps.setdefault(step, []).append(seconds)

    def fail(self, problem: str) -> None:
        with self.lock:
            self.failures.append(problem)

    def p(self, step: str, fraction: float) -> float:
        """The `fraction` percentile of a step, in milliseconds (nearest rank)."""
        values = sorted(self.steps.get(step, []))
        if not values:
            return float("nan")
        rank = max(1, round(fraction * len(values) + 0.5))
        return values[min(rank, len(values)) - 1] * 1000


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


# The servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path


@contextlib.contextmanager
def gunicorn(
    name: str,
    app: str,
    port: int,
    environment: dict[str, str],
    args: argparse.Namespace,
    logs: Path,
) -> Iterator[Server]:
    """Serve `app` on 127.0.0.1:`port` until the block ends; the process is always stopped."""
    log = logs / f"{name}.log"
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--workers", str(args.workers),
        "--worker-class", "gthread",
        "--threads", str(args.threads),
        "--graceful-timeout", "5",
        "--error-logfile", str(log),
        "--no-control-socket",  # two servers at once would share ~/.gunicorn/gunicorn.ctl
        app,
    ]  # fmt: skip
    process = subprocess.Popen(
        command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        yield Server(name, port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def wait_until_ready(server: Server, path: str) -> None:
    """Poll `path` until it answers 200; fail if the server dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} server exited (its log is printed above)")
        with contextlib.suppress(OSError):
            if request(server.port, "GET", path)[0] == 200:
                return
        time.sleep(0.1)
    raise BenchError(f"{server.name} server did not answer within {START_TIMEOUT:.0f} s")


# The clients


def request(
    port: int, method: str, path: str, form: dict[str, str] | None = None
) -> tuple[int, bytes, float]:
    """One request on a connection of its own: status, body and seconds taken."""
    headers = {"Connection": "close"}
    body = None
    if form is not None:
        body = urlencode(form)
        # What a browser on one of our pages says; the public forms carry no CSRF token.
        headers |= {
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
        }
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return response.status, data, time.perf_counter() - started


def confirmation_path(outbox: psycopg.Connection, email: str) -> str | None:
    """The confirmation link in the newest email to `email` (committed with the signature)."""
    row = outbox.execute(
        "SELECT text_body FROM outbound_emails WHERE to_address = %s ORDER BY id DESC LIMIT 1",
        (email,),
    ).fetchone()
    match = CONFIRM_LINK.search(row[0]) if row else None
    return match.group(1) if match else None


def checked(timings: Timings, step: str, answer: tuple[int, bytes, float], expected: bytes) -> bool:
    status, body, seconds = answer
    timings.add(step, seconds)
    if status == 200 and expected in body:
        return True
    timings.fail(f"{step}: HTTP {status}")
    return False


def sign_once(
    port: int, run: str, number: int, outbox: psycopg.Connection, timings: Timings
) -> bool:
    """One person: read the page, sign, open the email, confirm. True if it counted."""
    started = time.perf_counter()
    email = f"bench-{run}-{number}@example.org"
    page = request(port, "GET", f"/petitions/{SLUG}")
    if not checked(timings, "page", page, b"data-signature-count"):
        return False
    form = {
        "name": f"Bench Signer {number}",
        "email": email,
        "country": COUNTRIES[number % len(COUNTRIES)],
        "show_name": "y",
    }
    signed = request(port, "POST", f"/petitions/{SLUG}/sign", form)
    if not checked(timings, "sign", signed, b"Check your inbox"):
        return False
    path = confirmation_path(outbox, email)
    if path is None:
        timings.fail(f"no confirmation email to {email}")
        return False
    confirmed = request(port, "POST", path, {})
    if not checked(timings, "confirm", confirmed, b"your signature counts"):
        return False
    timings.add("signature", time.perf_counter() - started)
    return True


def run_clients(clients: int, jobs: int, work: Callable[[int], None]) -> float:
    """Run `work(n)` for n in 0..jobs-1 on `clients` threads; the wall time in seconds."""
    numbers = itertools.count()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def client() -> None:
        while True:
            with lock:
                number = next(numbers)
            if number >= jobs:
                return
            try:
                work(number)
            except BaseException as error:  # reported after the run, not lost in a thread
                errors.append(error)
                return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise BenchError(f"a client failed: {errors[0]!r}") from errors[0]
    return time.perf_counter() - started


# The run


def petition_count(port: int) -> int:
    """The count the JSON gives. Our client keeps no cache, so the server computes it now."""
    status, body, _ = request(port, "GET", f"/petitions/{SLUG}.json")
    if status != 200:
        raise BenchError(f"/petitions/{SLUG}.json answered {status}")
    return json.loads(body)["signature_count"]


def confirmed_in_database(url: URL) -> tuple[int, int]:
    """Confirmed signatures counted in the table, and what the tally has folded so far."""
    with psycopg.connect(libpq(url)) as connection:
        confirmed = connection.execute(
            "SELECT count(*) FROM signatures s JOIN petitions p ON p.id = s.petition_id "
            "WHERE p.slug = %s AND s.status = 'confirmed'",
            (SLUG,),
        ).fetchone()[0]
        folded = connection.execute(
            "SELECT counted_signatures FROM petitions WHERE slug = %s", (SLUG,)
        ).fetchone()[0]
    return confirmed, folded


def campaign_environment(url: URL, port: int, work: Path) -> dict[str, str]:
    return os.environ | {
        "CAMPAIGN_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "SITE_URL": f"http://{HOST}:{port}",
        "CAMPAIGN_INSTANCE_DIR": str(work / "instance"),
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIR": str(work / "mail"),
        "MAIL_RATE_PER_SECOND": "0",
        "MAIL_DISPATCHER": "",  # the production default: a thread, as without Celery
        "CELERY_BROKER_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIGN_RATE_LIMIT": "1000000 per minute",
    }


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sign", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--signatures", type=int, default=2000, help="signatures in all (2000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    args = parser.parse_args(argv)
    for name in ("clients", "signatures", "workers", "threads"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name} must be between 1 and 100000")
    return args


def report(
    args: argparse.Namespace, campaign: Timings, hello: Timings, wall: float, hello_wall: float
) -> None:
    signed = len(campaign.steps.get("signature", []))
    requests = sum(len(campaign.steps.get(step, [])) for step in ("page", "sign", "confirm"))
    hello_requests = len(hello.steps.get("hello", []))
    per_second = signed / wall
    campaign_rps, hello_rps = requests / wall, hello_requests / hello_wall
    print(
        f"\nbench.sign: {signed:,} signatures by {args.clients} clients, gunicorn "
        f"{args.workers} workers x {args.threads} threads (gthread), PostgreSQL, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"  signatures/s        {per_second:8.1f}   (page + sign + email lookup + confirm)")
    print(f"  campaign requests/s {campaign_rps:8.1f}   hello requests/s {hello_rps:8.1f}")
    print(f"  {'ms':<18} {'p50':>8} {'p99':>8}   {'/hello p50':>10} {'p99':>8}")
    hello50, hello99 = hello.p("hello", 0.5), hello.p("hello", 0.99)
    for step in ("page", "sign", "confirm", "signature"):
        print(
            f"  {step:<18} {campaign.p(step, 0.5):8.1f} {campaign.p(step, 0.99):8.1f}   "
            f"{'x' + format(campaign.p(step, 0.5) / hello50, '.1f'):>10} "
            f"{'x' + format(campaign.p(step, 0.99) / hello99, '.1f'):>8}"
        )
    print(f"  {'GET /hello':<18} {hello50:8.1f} {hello99:8.1f}")
    print(f"  throughput ratio campaign/hello (requests/s): {campaign_rps / hello_rps:.2f}")
    print(
        f"\nREADME: {per_second:.0f} signatures/s ({args.clients} clients, {args.workers}x"
        f"{args.threads} gthread, PostgreSQL, {os.cpu_count()} CPUs): sign p50/p99 "
        f"{campaign.p('sign', 0.5):.0f}/{campaign.p('sign', 0.99):.0f} ms, confirm p50/p99 "
        f"{campaign.p('confirm', 0.5):.0f}/{campaign.p('confirm', 0.99):.0f} ms; bare Flask "
        f"/hello p50/p99 {hello50:.1f}/{hello99:.1f} ms, {hello_rps:.0f} req/s"
    )


class Outboxes:
    """One database connection per client thread, for reading confirmation emails."""

    def __init__(self, url: URL) -> None:
        self.conninfo = libpq(url)
        self.local = threading.local()
        self.opened: list[psycopg.Connection] = []
        self.lock = threading.Lock()

    def connection(self) -> psycopg.Connection:
        if not hasattr(self.local, "connection"):
            self.local.connection = psycopg.connect(self.conninfo, autocommit=True)
            with self.lock:
                self.opened.append(self.local.connection)
        return self.local.connection

    def close(self) -> None:
        for connection in self.opened:
            connection.close()


def tail(log: Path, lines: int = 15) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def measure(args: argparse.Namespace, url: URL, work: Path) -> int:
    """Serve, sign, compare with /hello, check the count; the exit code."""
    run = secrets.token_hex(3)  # fresh addresses even if a scratch database were reused
    campaign_port, hello_port = free_port(), free_port()
    environment = campaign_environment(url, campaign_port, work)
    flask_command(environment, "db", "upgrade")
    flask_command(environment, "demo", "load")
    campaign, hello = Timings(), Timings()
    site_app, hello_env = "campaign:create_app()", os.environ.copy()
    with (
        gunicorn("campaign", site_app, campaign_port, environment, args, work) as site,
        gunicorn("hello", "bench.hello:app", hello_port, hello_env, args, work) as bare,
    ):
        try:
            wait_until_ready(site, "/healthz")
            wait_until_ready(bare, "/hello")
            initial = petition_count(site.port)
            outboxes = Outboxes(url)
            try:
                print(f"signing {args.signatures:,} times with {args.clients} clients...")
                wall = run_clients(
                    args.clients,
                    args.signatures,
                    lambda n: sign_once(site.port, run, n, outboxes.connection(), campaign),
                )
            finally:
                outboxes.close()
            requests = sum(len(campaign.steps.get(s, [])) for s in ("page", "sign", "confirm"))
            hello_wall = run_clients(
                args.clients,
                requests,
                lambda n: checked(hello, "hello", request(bare.port, "GET", "/hello"), b"Hello"),
            )
            shown = petition_count(site.port)
        except BenchError:
            for server in (site, bare):
                print(f"--- {server.name} log:\n{tail(server.log)}", file=sys.stderr)
            raise
    confirmed, folded = confirmed_in_database(url)
    report(args, campaign, hello, wall, hello_wall)
    signed = len(campaign.steps.get("signature", []))
    expected = initial + signed
    print(
        f"\ncount: JSON {shown:,}, database {confirmed:,}, expected {initial:,} (demo) + "
        f"{signed:,} (confirmed now) = {expected:,}; the background tally had folded {folded:,}"
    )
    problems = campaign.failures + hello.failures
    for problem in problems[:10]:
        print(f"  failed: {problem}")
    if shown == confirmed == expected and not problems:
        print("PASS")
        return 0
    print(f"FAIL ({len(problems)} failed requests)")
    return 1


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    try:
        url = scratch_url()
    except BenchError as error:
        print(error, file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    try:
        with scratch_database(url):
            return measure(args, url, work)
    except BenchError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
