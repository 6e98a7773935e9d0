"""Rate-limit counters in process memory, forgotten without a thread per request.

limits' own memory storage starts a timer thread, 10 ms later, after each counted request to
forget expired counters: under a surge of sign-ups that is a new thread every 10 ms in every
worker, each walking every counter. Expiry is already checked whenever a counter is read, so
here the walk that frees memory runs inline, at most once every FORGET_EVERY seconds.
"""

import time

from limits.storage import MemoryStorage

FORGET_EVERY = 10.0


class ProcessCounters(MemoryStorage):
    """`campaign-memory://`: the counters of one process (use Redis for several)."""

    STORAGE_SCHEME = ["campaign-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the base class started one; it ends at once
        self.timer.join()
        self.forgotten_at = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer of the base class
        now = time.monotonic()
        if now - self.forgotten_at >= FORGET_EVERY:
            self.forgotten_at = now
            self._MemoryStorage__expire_events()
