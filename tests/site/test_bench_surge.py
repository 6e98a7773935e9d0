"""The surge bench's own arithmetic: what it reads from wrk and the database, never a speed."""

import dataclasses

import pytest

from bench.servers import BenchError
from bench.surge import (
    Comparison,
    Tick,
    caught_up_at,
    comparison_table,
    confirmation_paths,
    count_problems,
    max_lag,
    run_problems,
)
from bench.wrk import Result, parse_result

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:41234/petitions/un-access-xinjiang
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.01ms    3.20ms  80.11ms   91.02%
  2000 requests in 10.00s, 9.00MB read
Requests/sec:    200.00
surge-result {"duration_us": 10000000, "requests": 2000, "ok": 1990, "refused": 0, \
"server_errors": 0, "shed": 10, "exhausted_threads": 0, "connect_errors": 0, "read_errors": 0, \
"write_errors": 0, "timeouts": 0, "p50_us": 11000, "p90_us": 15000, "p99_us": 40000, \
"max_us": 80110}
"""


def result(**changes) -> Result:
    return dataclasses.replace(parse_result(WRK_OUTPUT), **changes)


def test_result_line_is_read_from_among_wrks_own_output():
    parsed = parse_result(WRK_OUTPUT)
    assert parsed.ok == 1990
    assert parsed.shed == 10
    assert parsed.p99_ms == 40.0


def test_throughput_counts_successful_answers_only():
    assert parse_result(WRK_OUTPUT).per_second == pytest.approx(199.0)


def test_wrk_output_without_a_result_line_is_a_bench_error():
    with pytest.raises(BenchError, match="no result line"):
        parse_result("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_shedding_is_not_a_problem_but_a_timeout_or_5xx_is():
    assert run_problems("GET /", result()) == []
    assert run_problems("GET /", result(timeouts=3)) == ["GET /: 3 requests timed out"]
    assert run_problems("GET /", result(server_errors=2)) == [
        "GET /: 2 answers 5xx (not load shedding)"
    ]


def test_rows_may_exceed_answers_only_by_the_requests_cut_off_in_flight():
    assert count_problems("sign", "signatures", 120, 100, 20) == []
    assert count_problems("sign", "signatures", 100, 100, 20) == []
    assert count_problems("sign", "signatures", 99, 100, 20) == [
        "sign: 1 signatures lost (100 answered, 99 in the database)"
    ]
    assert "21 more signatures" in count_problems("sign", "signatures", 121, 100, 20)[0]


def test_lag_is_from_the_database_reaching_a_count_to_the_json_showing_it():
    ticks = [
        Tick(0.0, 10, 0.1, 10),
        Tick(0.25, 20, 0.35, 10),  # the database has 20; the JSON still says 10
        Tick(0.5, 30, 0.6, 10),
        Tick(0.75, 30, 0.85, 30),  # shows 20 and 30 at once
    ]
    assert max_lag(ticks, until=1.0) == pytest.approx(0.6)  # 20, reached at 0.25, shown at 0.85


def test_a_count_never_shown_lags_until_the_last_sample():
    ticks = [Tick(0.0, 10, 0.1, 10), Tick(0.25, 20, 0.35, 10), Tick(3.0, 20, 3.1, 10)]
    assert max_lag(ticks, until=1.0) == pytest.approx(2.85)


def test_samples_after_the_surge_only_say_when_the_json_caught_up():
    ticks = [Tick(0.0, 10, 0.1, 5), Tick(1.0, 10, 1.1, 5), Tick(2.0, 10, 2.1, 10)]
    assert max_lag(ticks, until=0.5) == pytest.approx(2.1)
    assert caught_up_at(ticks, after=0.5) == pytest.approx(2.1)
    assert caught_up_at(ticks[:2], after=0.5) is None


def test_confirmation_paths_come_from_the_link_in_each_email():
    bodies = [
        "Confirm: http://127.0.0.1:40123/petitions/un-access-xinjiang/confirm/abc.def-1\nThanks",
        "No link in this one.",
        "http://127.0.0.1:5/petitions/p/confirm/xyz",
    ]
    assert confirmation_paths(bodies) == [
        "/petitions/un-access-xinjiang/confirm/abc.def-1",
        "/petitions/p/confirm/xyz",
    ]


def test_table_marks_a_ratio_below_target():
    fast, slow = result(), result(ok=100)
    lines = comparison_table(
        [Comparison("GET /", slow, fast, 0.8), Comparison("GET /c/x", fast, fast, 0.8)]
    )
    assert lines[2].endswith("below target")
    assert " 0.05x " in lines[2]
    assert lines[3].endswith("PASS")


def test_a_floor_is_printed_without_a_target_and_never_fails_one():
    fast, slow = result(), result(ok=100)
    floor = Comparison("POST /sign: floor", slow, fast, None)

    [line] = comparison_table([floor])[2:]

    assert floor.meets_target
    assert line.endswith("floor")
    assert " 0.05x       - " in line
