"""Benchmark: the campaign under a surge, side by side with a bare Flask app on the same gunicorn.

`make bench` runs it; `python -m bench.surge --help` lists the knobs (durations, load, gunicorn
settings, --strict).

Two servers run with the same gunicorn settings on free ports of 127.0.0.1: the campaign in
production mode on a scratch PostgreSQL database (bench/servers.py) holding the demo, and
bench/hello.py. Mail goes through the in-process dispatcher thread to the `file` transport, as
a small site without Celery sends it; the sign rate limit is lifted, since every request comes
from 127.0.0.1. wrk drives both with bench/surge.lua, baseline first in each pair, once the
outbox has drained so neither run shares the machine with the other's mail:

- each public page the anonymous surge reads, against GET /hello (target 0.8x);
- the sign POST, a fresh address per request, against the bare view parsing the same form;
  the confirm POST, each request confirming another signature from the outbox, against the
  bare view parsing the confirm form (target 0.3x for both);
- the sign and confirm POSTs' floor: bench/floor.py parses the same forms and does the
  database's part by hand in one transaction (no ORM, template, limiter or mail), against the
  same bare views; it has no target, and shows how much of the 0.3x any implementation of
  those paths on this stack can reach;
- overload: many more connections on the petition page and on sign, the campaign alone; a
  503 with Retry-After is load shed on purpose, counted but not a failure (target p99 < 1 s);
- scaling: the petition page and sign at 1, 2 and 4 workers, each beside the baseline.

Below-target figures are marked and change the exit code only with --strict. Integrity is
checked whatever the speed, and any breach exits 1 with a FAIL line: a 5xx (other than shedding),
4xx, timeout or socket error; a signature or confirmation lost or doubled (database rows against
successful answers, allowing for the requests wrk cuts off in flight when it stops); the
petition JSON more than 2 s behind the database's confirmed count during the confirm surge, or
not equal to it shortly after.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import URL

from bench import wrk
from bench.floor import TABLES as FLOOR_TABLES
from bench.servers import (
    BenchError,
    Server,
    Settings,
    campaign_environment,
    fetch,
    flask_command,
    free_port,
    gunicorn,
    libpq,
    scratch_database,
    scratch_url,
)

SLUG = "un-access-xinjiang"  # the demo's open petition
PETITION = f"/petitions/{SLUG}"
SIGN = f"{PETITION}/sign"
PAGES = (
    "/",
    "/c/china-cables",
    "/explainers/what-the-china-cables-are",
    PETITION,
    f"{PETITION}.json",
    "/donate/fund-the-campaign",  # the demo's own appeal (the other one links to a partner)
)
PAGE_TARGET = 0.8
FORM_TARGET = 0.3
OVERLOAD_P99_MS = 1000.0
MAX_LAG = 2.0  # seconds the petition JSON may trail the database during the confirm surge
LAG_INTERVAL = 0.25
CATCH_UP = 10.0  # seconds after the surge for the JSON to show the database's count
MAIL_DRAIN_TIMEOUT = 120.0
SCALING_WORKERS = (1, 2, 4)
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+(/petitions/[^/\s]+/confirm/\S+)")


# What the runs give


@dataclass(frozen=True)
class Comparison:
    """One path on the campaign beside its baseline on the bare app."""

    label: str
    campaign: wrk.Result
    baseline: wrk.Result
    target: float | None  # None: a floor, printed for what it shows, not held to a target

    @property
    def ratio(self) -> float:
        return self.campaign.per_second / self.baseline.per_second

    @property
    def meets_target(self) -> bool:
        return self.target is None or self.ratio >= self.target


@dataclass(frozen=True)
class Tick:
    """One sample of the lag sampler: the database's confirmed count, then the JSON's."""

    database_at: float
    database: int
    shown_at: float
    shown: int


def max_lag(ticks: list[Tick], until: float) -> float:
    """The longest time, in seconds, from the database reaching a count (by `until`) to the
    JSON showing it; a count never shown counts up to the last sample."""
    worst = 0.0
    for i, tick in enumerate(ticks):
        if tick.database_at > until:
            break
        shown_at = next(
            (later.shown_at for later in ticks[i:] if later.shown >= tick.database),
            ticks[-1].shown_at,
        )
        worst = max(worst, shown_at - tick.database_at)
    return worst


def caught_up_at(ticks: list[Tick], after: float) -> float | None:
    """When the JSON first showed the database's count in a sample taken after `after`."""
    return next(
        (t.shown_at for t in ticks if t.database_at > after and t.shown == t.database), None
    )


def confirmation_paths(bodies: Iterable[str]) -> list[str]:
    """The confirmation link's path in each email that has one, in order."""
    return [match.group(1) for body in bodies if (match := CONFIRM_LINK.search(body))]


def run_problems(label: str, result: wrk.Result) -> list[str]:
    """What went wrong in one run, whatever its speed: one sentence each."""
    problems = []
    if result.server_errors:
        problems.append(f"{label}: {result.server_errors} answers 5xx (not load shedding)")
    if result.refused:
        problems.append(f"{label}: {result.refused} answers 4xx")
    if result.timeouts:
        problems.append(f"{label}: {result.timeouts} requests timed out")
    if result.socket_errors:
        problems.append(
            f"{label}: socket errors: {result.connect_errors} connect, {result.read_errors} "
            f"read, {result.write_errors} write"
        )
    if not result.ok:
        problems.append(f"{label}: no successful answer at all")
    return problems


def count_problems(label: str, what: str, counted: int, ok: int, in_flight: int) -> list[str]:
    """`counted` rows in the database for `ok` successful answers, when up to `in_flight`
    requests may have been handled after wrk stopped listening."""
    if counted < ok:
        return [f"{label}: {ok - counted} {what} lost ({ok} answered, {counted} in the database)"]
    if counted > ok + in_flight:
        return [
            f"{label}: {counted - ok} more {what} in the database than answered ({counted} for "
            f"{ok}; at most {in_flight} requests were cut off in flight)"
        ]
    return []


# The database side


def confirmed_count(db: psycopg.Connection) -> int:
    return db.execute(
        "SELECT count(*) FROM signatures s JOIN petitions p ON p.id = s.petition_id "
        "WHERE p.slug = %s AND s.status = 'confirmed'",
        (SLUG,),
    ).fetchone()[0]


def signature_rows(db: psycopg.Connection, run: str) -> int:
    """Signatures by the addresses one sign run made up (surge.lua: bench-RUN-THREAD-N@)."""
    return db.execute(
        "SELECT count(*) FROM signatures WHERE email LIKE %s", (f"bench-{run}-%",)
    ).fetchone()[0]


def wait_for_mail(db: psycopg.Connection) -> None:
    """Until the dispatcher has sent what the outbox holds: the next run gets the machine."""
    deadline = time.monotonic() + MAIL_DRAIN_TIMEOUT
    while time.monotonic() < deadline:
        waiting = db.execute(
            "SELECT count(*) FROM outbound_emails WHERE status IN ('queued', 'sending')"
        ).fetchone()[0]
        if not waiting:
            return
        time.sleep(0.25)
    print(f"  (the outbox still held {waiting} emails after {MAIL_DRAIN_TIMEOUT:.0f} s)")


def json_count(port: int) -> int:
    status, body = fetch(port, f"{PETITION}.json")
    if status != 200:
        raise BenchError(f"{PETITION}.json answered {status}")
    return json.loads(body)["signature_count"]


class LagSampler(threading.Thread):
    """Samples the database's confirmed count, then the JSON's, every LAG_INTERVAL seconds."""

    def __init__(self, conninfo: str, port: int) -> None:
        super().__init__(daemon=True)
        self.conninfo, self.port = conninfo, port
        self.ticks: list[Tick] = []
        self.errors: list[str] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as db:
            while not self.stopping.is_set():
                started = time.monotonic()
                counted = confirmed_count(db)
                try:
                    shown = json_count(self.port)
                except (OSError, BenchError) as error:
                    self.errors.append(str(error) or type(error).__name__)
                else:
                    # The JSON shows a count once it has arrived, as a reader would see it.
                    self.ticks.append(Tick(started, counted, time.monotonic(), shown))
                self.stopping.wait(max(0.0, LAG_INTERVAL - (time.monotonic() - started)))

    def stop(self) -> None:
        self.stopping.set()
        self.join()


# The runs


@dataclass
class Bench:
    """One bench run: how it loads the servers, and what it has found so far."""

    wrk_path: str
    load: wrk.Load
    overload: wrk.Load
    url: URL
    work: Path
    environment: dict[str, str]
    db: psycopg.Connection
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Others' work on the machine skews both servers' figures, if not their ratio: say how much.
    load_average_at_start: float = field(default_factory=lambda: os.getloadavg()[0])

    @contextmanager
    def servers(self, settings: Settings) -> Iterator[tuple[Server, Server]]:
        """Both servers with `settings`, warmed up; stopped when the block ends."""
        with ExitStack() as stack:
            port = free_port()
            site = stack.enter_context(
                gunicorn(
                    "campaign",
                    "campaign:create_app()",
                    port,
                    self.environment | {"SITE_URL": f"http://127.0.0.1:{port}"},
                    settings,
                    self.work,
                )
            )
            bare = stack.enter_context(
                gunicorn(
                    "hello", "bench.hello:app", free_port(), dict(os.environ), settings, self.work
                )
            )
            warm_up(site, PAGES, settings.workers)
            warm_up(bare, ("/hello",), settings.workers)
            yield site, bare

    def drive(
        self, label: str, server: Server, path: str, *script_args: str, load: wrk.Load | None
    ) -> wrk.Result:
        load = load or self.load
        wait_for_mail(self.db)
        print(f"  {label} on {server.name} ({load})...", flush=True)
        result = wrk.run(self.wrk_path, load, server.port, path, *script_args)
        # The same path runs more than once (overload, scaling): say which run broke.
        where = f"{label} on {server.name} ({load}, {server.settings.workers} workers)"
        self.problems += run_problems(where, result)
        return result

    def get(self, server: Server, path: str, load: wrk.Load | None = None) -> wrk.Result:
        return self.drive(f"GET {path}", server, path, "get", load=load)

    def sign(self, server: Server, load: wrk.Load | None = None) -> wrk.Result:
        """Sign with fresh addresses; on the campaign, check each answer left one row."""
        load = load or self.load
        run = secrets.token_hex(4)
        result = self.drive(f"POST {SIGN}", server, SIGN, "sign", run, server.origin, load=load)
        if server.name == "campaign":
            rows = signature_rows(self.db, run)
            self.problems += count_problems(
                f"POST {SIGN} ({load.connections} connections)",
                "signatures",
                rows,
                result.ok,
                load.connections,
            )
        return result

    @contextmanager
    def floor(self, settings: Settings) -> Iterator[Server]:
        """bench/floor.py, with the campaign's secret (it reads the campaign's links)."""
        self.db.execute(FLOOR_TABLES)
        environment = os.environ | {
            "FLOOR_DATABASE_URL": libpq(self.url),
            "SECRET_KEY": self.environment["SECRET_KEY"],
        }
        with gunicorn(
            "floor", "bench.floor:app", free_port(), environment, settings, self.work
        ) as floor:
            yield floor

    def confirm(self, server: Server, links: Path) -> wrk.Result:
        # The campaign must see each link once; the bare app keeps nothing, and would run out.
        walk = "once" if server.name == "campaign" else "cycle"
        result = self.drive(
            f"POST {PETITION}/confirm/<token>",
            server,
            PETITION,
            "confirm",
            str(links),
            str(self.load.threads),
            server.origin,
            walk,
            load=None,
        )
        if result.exhausted_threads:
            self.notes.append(
                f"confirm on {server.name}: {result.exhausted_threads} wrk threads ran out of "
                "links and stopped early, so its req/s is a lower bound"
            )
        return result

    def confirm_surge(
        self, site: Server, bare: Server, floor: Server
    ) -> tuple[Comparison, Comparison]:
        """Confirm signatures the sign runs made, watching the JSON's count keep up; then the
        floor reads and locks the same signatures."""
        rows = self.db.execute(
            "SELECT text_body FROM outbound_emails WHERE to_address LIKE 'bench-%' ORDER BY id"
        )
        paths = confirmation_paths(body for (body,) in rows)
        if len(paths) < self.load.connections:
            raise BenchError(f"only {len(paths)} confirmation links in the outbox")
        links = self.work / "confirm-links.txt"
        links.write_text("\n".join(paths) + "\n")
        baseline = self.confirm(bare, links)
        wait_for_mail(self.db)
        before = confirmed_count(self.db)
        sampler = LagSampler(libpq(self.url), site.port)
        sampler.start()
        try:
            campaign = self.confirm(site, links)
            surge_end = time.monotonic()
            deadline = surge_end + CATCH_UP
            while time.monotonic() < deadline and caught_up_at(sampler.ticks, surge_end) is None:
                time.sleep(LAG_INTERVAL)
        finally:
            sampler.stop()
        confirmed = confirmed_count(self.db) - before
        self.problems += [
            f"{PETITION}.json failed {times} times while sampling: {error}"
            for error, times in Counter(sampler.errors).items()
        ]
        self.problems += count_problems(
            f"POST {PETITION}/confirm",
            "confirmations",
            confirmed,
            campaign.ok,
            self.load.connections,
        )
        lag = max_lag(sampler.ticks, surge_end)
        caught_up = caught_up_at(sampler.ticks, surge_end)
        self.notes.append(
            f"confirm surge: {campaign.ok} confirmed, {confirmed} in the database; the JSON's "
            f"count trailed the database by at most {lag:.2f} s (limit {MAX_LAG:.0f} s, sampled "
            f"every {LAG_INTERVAL} s), and "
            + (
                f"showed the final count {caught_up - surge_end:.2f} s after the surge"
                if caught_up is not None
                else f"did not show the final count within {CATCH_UP:.0f} s"
            )
        )
        if lag > MAX_LAG:
            self.problems.append(
                f"{PETITION}.json trailed the database by {lag:.2f} s during the confirm surge"
            )
        if caught_up is None:
            last = sampler.ticks[-1] if sampler.ticks else None
            self.problems.append(
                f"{PETITION}.json did not show the database's count within {CATCH_UP:.0f} s "
                f"after the surge"
                + (f" (it showed {last.shown}, the database had {last.database})" if last else "")
            )
        label = f"POST {PETITION}/confirm/<token>"
        return (
            Comparison(label, campaign, baseline, FORM_TARGET),
            Comparison(f"{label}: floor", self.confirm(floor, links), baseline, None),
        )


def warm_up(server: Server, paths: Iterable[str], workers: int) -> None:
    """A few requests per path, so every worker has loaded its templates; each must be 200."""
    for path in paths:
        for _ in range(3 * workers):
            status, _ = fetch(server.port, path)
            if status != 200:
                raise BenchError(f"{server.name}: GET {path} answered {status}, not 200")


def scaling_row(bench: Bench, site: Server, bare: Server) -> tuple[Comparison, Comparison]:
    hello = bench.get(bare, "/hello")
    page = bench.get(site, PETITION)
    form = bench.sign(bare)
    signed = bench.sign(site)
    return (
        Comparison(f"GET {PETITION}", page, hello, PAGE_TARGET),
        Comparison(f"POST {SIGN}", signed, form, FORM_TARGET),
    )


@dataclass
class Findings:
    comparisons: list[Comparison]
    overload: list[tuple[str, wrk.Result]]
    scaling: dict[int, tuple[Comparison, Comparison]]


def measure(bench: Bench, settings: Settings, scaling: bool) -> Findings:
    """Every run, in an order that leaves the confirm surge enough signatures to confirm."""
    with bench.servers(settings) as (site, bare), bench.floor(settings) as floor:
        print(f"pages ({settings}), each against GET /hello:")
        hello = bench.get(bare, "/hello")
        pages = [
            Comparison(f"GET {path}", bench.get(site, path), hello, PAGE_TARGET) for path in PAGES
        ]
        print("sign, against the bare form-parse view:")
        form = bench.sign(bare)
        sign = Comparison(f"POST {SIGN}", bench.sign(site), form, FORM_TARGET)
        sign_floor = Comparison(f"POST {SIGN}: floor", bench.sign(floor), form, None)
        print("overload, the campaign alone:")
        overload = [
            (f"GET {PETITION}", bench.get(site, PETITION, bench.overload)),
            (f"POST {SIGN}", bench.sign(site, bench.overload)),
        ]
        print("confirm, with the JSON's count sampled beside the database's:")
        confirm, confirm_floor = bench.confirm_surge(site, bare, floor)
    page = next(c for c in pages if c.label == f"GET {PETITION}")
    rows = {settings.workers: (page, sign)}  # measured above with these very settings
    for workers in SCALING_WORKERS if scaling else ():
        if workers not in rows:
            print(f"scaling, {settings.with_workers(workers)}:")
            with bench.servers(settings.with_workers(workers)) as (site, bare):
                rows[workers] = scaling_row(bench, site, bare)
    comparisons = [*pages, sign, sign_floor, confirm, confirm_floor]
    return Findings(comparisons, overload, dict(sorted(rows.items())))


# The report


def _mark(ok: bool) -> str:
    return "PASS" if ok else "below target"


def _target(target: float | None) -> str:
    return "-" if target is None else f"{target:.1f}x"


def _latency(result: wrk.Result) -> str:
    return f"{result.p50_ms:.1f}/{result.p99_ms:.1f}"


def comparison_table(comparisons: list[Comparison]) -> list[str]:
    width = max(len(c.label) for c in comparisons)
    lines = [
        f"{'path':<{width}}  {'campaign':>9}  {'baseline':>9}  {'ratio':>6}  {'target':>6}  "
        f"{'p50/p99 ms':>13}  {'baseline ms':>11}  mark",
        f"{'':<{width}}  {'req/s':>9}  {'req/s':>9}",
    ]
    for c in comparisons:
        lines.append(
            f"{c.label:<{width}}  {c.campaign.per_second:>9.1f}  {c.baseline.per_second:>9.1f}  "
            f"{c.ratio:>5.2f}x  {_target(c.target):>6}  {_latency(c.campaign):>13}  "
            f"{_latency(c.baseline):>11}  {'floor' if c.target is None else _mark(c.meets_target)}"
        )
    return lines


def overload_mark(result: wrk.Result) -> str:
    """FAIL for a breach of integrity (a timeout, a 5xx that is not shedding), else the target."""
    if run_problems("", result):
        return "FAIL"
    return _mark(result.p99_ms < OVERLOAD_P99_MS)


def overload_table(runs: list[tuple[str, wrk.Result]], load: wrk.Load) -> list[str]:
    width = max(len(label) for label, _ in runs)
    lines = [
        f"{'path':<{width}}  {'req/s':>7}  {'shed':>6}  {'5xx':>5}  {'4xx':>5}  "
        f"{'timeouts':>8}  {'socket':>6}  {'p50 ms':>8}  {'p99 ms':>8}  mark"
    ]
    for label, r in runs:
        # wrk keeps answers slower than its timeout out of the percentiles, so a p99 just
        # under the timeout means "at least the timeout" when some timed out.
        p99 = f">{load.timeout * 1000}" if r.timeouts else f"{r.p99_ms:.1f}"
        lines.append(
            f"{label:<{width}}  {r.per_second:>7.1f}  {r.shed:>6}  {r.server_errors:>5}  "
            f"{r.refused:>5}  {r.timeouts:>8}  {r.socket_errors:>6}  {r.p50_ms:>8.1f}  "
            f"{p99:>8}  {overload_mark(r)}"
        )
    return lines


def scaling_table(rows: dict[int, tuple[Comparison, Comparison]]) -> list[str]:
    lines = [
        f"{'workers':>7}  {'petition':>9}  {'/hello':>9}  {'ratio':>6}  "
        f"{'sign':>9}  {'form':>9}  {'ratio':>6}",
        f"{'':>7}  {'req/s':>9}  {'req/s':>9}  {'':>6}  {'req/s':>9}  {'req/s':>9}",
    ]
    for workers, (page, sign) in rows.items():
        lines.append(
            f"{workers:>7}  {page.campaign.per_second:>9.1f}  {page.baseline.per_second:>9.1f}  "
            f"{page.ratio:>5.2f}x  {sign.campaign.per_second:>9.1f}  "
            f"{sign.baseline.per_second:>9.1f}  {sign.ratio:>5.2f}x"
        )
    return lines


def report(bench: Bench, settings: Settings, findings: Findings) -> list[str]:
    """Everything measured, as printed; below-target rows are marked, integrity comes last."""
    load, overload = bench.load, bench.overload
    lines = [
        "",
        f"bench.surge: {settings} for both servers; {load}; PostgreSQL; "
        f"{os.cpu_count()} CPUs, load average {bench.load_average_at_start:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end",
        "req/s counts successful answers (2xx/3xx); p50/p99 are the campaign's, then the "
        "baseline's: GET /hello for pages, bench/hello.py parsing the same form for POSTs; "
        "the floor row is bench/floor.py in the campaign's column",
        "",
        *comparison_table(findings.comparisons),
        "",
        f"overload: the campaign alone, {overload}; shed = 503 with Retry-After (not a failure); "
        f"target no 5xx, no timeouts, p99 < {OVERLOAD_P99_MS / 1000:.0f} s; wrk counts a timeout "
        "for each answer later than --timeout and for each request still waiting at its 2 s "
        "checks, so one slow request may count more than once",
        *overload_table(findings.overload, overload),
    ]
    if len(findings.scaling) > 1:
        lines += [
            "",
            f"scaling: {settings.worker_class} x {settings.threads} threads, {load}; each "
            "campaign figure beside the bare app's on the same settings",
            *scaling_table(findings.scaling),
        ]
    lines += ["", *(f"note: {note}" for note in bench.notes)]
    return lines


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.surge", description=__doc__.split("\n")[0]
    )
    number = parser.add_argument
    number("--duration", type=int, default=10, help="seconds per run (10)")
    number("--connections", type=int, default=20, help="wrk connections (20)")
    number("--wrk-threads", type=int, default=2, help="wrk threads (2)")
    number("--timeout", type=int, default=2, help="seconds before wrk counts a timeout (2)")
    number("--overload-duration", type=int, default=30, help="seconds per overload run (30)")
    number("--overload-connections", type=int, default=200, help="connections (200)")
    # One process per core, and threads to overlap the waits on PostgreSQL (see README).
    number("--workers", type=int, default=2, help="gunicorn workers (2)")
    number("--threads", type=int, default=4, help="gunicorn threads per worker (4)")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (gthread)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 1/2/4 workers runs")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a figure is below its target too"
    )
    args = parser.parse_args(argv)
    for name in ("duration", "connections", "wrk_threads", "timeout", "overload_duration",
                 "overload_connections", "workers", "threads"):  # fmt: skip
        if not 1 <= getattr(args, name) <= 10_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 10000")
    if args.wrk_threads > min(args.connections, args.overload_connections):
        parser.error("--wrk-threads cannot exceed the connections")
    return args


def below_target(findings: Findings) -> bool:
    return any(not c.meets_target for c in findings.comparisons) or any(
        overload_mark(r) != "PASS" for _, r in findings.overload
    )


def run(args: argparse.Namespace, url: URL, work: Path) -> int:
    """Load the demo, run everything, print the report; the exit code."""
    settings = Settings(args.worker_class, args.workers, args.threads)
    environment = campaign_environment(url, work)
    flask_command(environment, "db", "upgrade")
    flask_command(environment, "demo", "load")
    with psycopg.connect(libpq(url), autocommit=True) as db:
        db.execute("ANALYZE")  # as autovacuum soon would on a site that has been up a while
        bench = Bench(
            wrk_path=wrk.ensure_wrk(),
            load=wrk.Load(args.wrk_threads, args.connections, args.duration, args.timeout),
            overload=wrk.Load(
                args.wrk_threads, args.overload_connections, args.overload_duration, args.timeout
            ),
            url=url,
            work=work,
            environment=environment,
            db=db,
        )
        findings = measure(bench, settings, scaling=not args.no_scaling)
    print("\n".join(report(bench, settings, findings)))
    for problem in bench.problems:
        print(f"FAIL: {problem}")
    if bench.problems:
        return 1
    if below_target(findings):
        print(
            "integrity PASS; some figures are below target" + (" (--strict)" if args.strict else "")
        )
        return 1 if args.strict else 0
    print("PASS")
    return 0


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
            return run(args, url, work)
    except BenchError as error:
        print(f"FAIL: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
