"""Rate-limit counters in memory: limits still hold, and counting starts no thread."""

import threading
import time

from limits import parse
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from campaign import rate_counters
from campaign.extensions import limiter
from campaign.rate_counters import ProcessCounters


def test_the_app_counts_in_process_memory(app):
    with app.app_context():
        assert isinstance(limiter.storage, ProcessCounters)


def test_counting_many_requests_starts_no_thread():
    counters = ProcessCounters("campaign-memory://")
    window = FixedWindowRateLimiter(counters)
    before = {thread.ident for thread in threading.enumerate()}

    for number in range(500):
        window.hit(parse("5/second"), f"client-{number}")

    assert {thread.ident for thread in threading.enumerate()} == before


def test_a_limit_holds_and_opens_again_when_its_window_has_passed():
    counters = ProcessCounters("campaign-memory://")
    for strategy in (FixedWindowRateLimiter(counters), MovingWindowRateLimiter(counters)):
        limit = parse("2/second")
        answers = [strategy.hit(limit, "one-client") for _ in range(3)]
        time.sleep(1.05)

        assert answers == [True, True, False]
        assert strategy.hit(limit, "one-client")


def test_expired_counters_of_clients_gone_quiet_are_forgotten(monkeypatch):
    counters = ProcessCounters("campaign-memory://")
    window = FixedWindowRateLimiter(counters)
    for number in range(50):
        window.hit(parse("5/second"), f"client-{number}")
    time.sleep(1.05)
    monkeypatch.setattr(rate_counters, "FORGET_EVERY", 0)

    window.hit(parse("5/second"), "one-more")

    assert set(counters.storage) == {key for key in counters.storage if "one-more" in key}
    assert len(counters.storage) == 1
