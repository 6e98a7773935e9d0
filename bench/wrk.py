"""wrk, the load generator bench.surge drives both servers with, and what one run reports."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.servers import HOST, BenchError

SCRIPT = Path(__file__).with_name("surge.lua")
RESULT_PREFIX = "surge-result "


@dataclass(frozen=True)
class Load:
    """How hard wrk pushes: threads, open connections, seconds, and when a request times out."""

    threads: int
    connections: int
    duration: int
    timeout: int

    def __str__(self) -> str:
        return (
            f"wrk -t{self.threads} -c{self.connections} -d{self.duration}s "
            f"--timeout {self.timeout}s"
        )


@dataclass(frozen=True)
class Result:
    """One wrk run as surge.lua's done() hook reports it; latencies in microseconds."""

    duration_us: int
    requests: int
    ok: int  # 2xx and 3xx
    refused: int  # 4xx
    server_errors: int  # 5xx, except a 503 with Retry-After
    shed: int  # 503 with Retry-After: refused on purpose, fast, past capacity
    exhausted_threads: int  # confirm runs: threads that ran out of links and stopped early
    connect_errors: int
    read_errors: int
    write_errors: int
    timeouts: int
    p50_us: int
    p90_us: int
    p99_us: int
    max_us: int

    @property
    def per_second(self) -> float:
        """Successful answers per second: shed or refused requests are not throughput."""
        return self.ok / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def socket_errors(self) -> int:
        return self.connect_errors + self.read_errors + self.write_errors

    @property
    def p50_ms(self) -> float:
        return self.p50_us / 1000

    @property
    def p99_ms(self) -> float:
        return self.p99_us / 1000


def parse_result(output: str) -> Result:
    """The result line surge.lua prints among wrk's own output."""
    for line in output.splitlines():
        if line.startswith(RESULT_PREFIX):
            return Result(**json.loads(line.removeprefix(RESULT_PREFIX)))
    raise BenchError(f"wrk printed no result line:\n{output}")


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package first if it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise BenchError("wrk is not installed: run `apt-get install -y wrk` as root.")
    print("installing wrk (apt-get install -y wrk)...")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True).returncode != 0:
        # A fresh container may not have fetched the package lists yet.
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        subprocess.run(install, capture_output=True)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is missing and `apt-get install -y wrk` did not install it.")
    return found


def run(wrk: str, load: Load, port: int, path: str, *script_args: str) -> Result:
    """Drive 127.0.0.1:`port``path` with surge.lua in the given mode; the result."""
    command = [
        wrk,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.duration}s",
        f"--timeout={load.timeout}s",
        f"--script={SCRIPT}",
        f"http://{HOST}:{port}{path}",
        "--",
        *script_args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=load.duration + 60, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_result(done.stdout)
