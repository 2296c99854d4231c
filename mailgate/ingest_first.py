"""Ingest first: actors hold back for a moment while a gateway is acknowledging mail.

Mail servers put receiving first: a sender waiting for its 250 matters more than
a notification going out a second later. The gateways stamp a timestamp in
memory shared with the actors' process (made before the fork) after every commit;
an actor about to start waits until the gateways have been quiet for QUIET
seconds, but never longer than AT_MOST, so processing slows down during a burst
and can never starve. The queue absorbs the burst.
"""
from __future__ import annotations

import time
from multiprocessing.sharedctypes import RawValue

QUIET = 0.02
AT_MOST = 1.0


class IngestActivity:
    def __init__(self) -> None:
        self._last_commit = RawValue("d", 0.0)  # CLOCK_MONOTONIC is the same clock in every process

    def touch(self) -> None:
        self._last_commit.value = time.monotonic()

    def wait_for_quiet(self, quiet: float = QUIET, at_most: float = AT_MOST) -> float:
        """Seconds waited."""
        start = time.monotonic()
        while (now := time.monotonic()) - self._last_commit.value < quiet and now - start < at_most:
            time.sleep(quiet / 2)
        return time.monotonic() - start
