"""One log line when something starts failing and one when it works again, not one per attempt.

During an outage of the database (or the broker) every commit, RCPT check and actor
attempt fails; logged one by one, a 20 s PostgreSQL outage wrote 60 MB. An `Outage`
keeps the count instead, and says how many attempts failed when it is over.
"""
from __future__ import annotations

import logging
import threading
import time


class Outage:
    def __init__(self, log: logging.Logger, what: str):
        self.log, self.what = log, what
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._failures += 1
            if self._since is not None:
                return
            self._since = time.monotonic()
        self.log.error("%s is failing: %s (further failures are counted, not logged, until it works again)",
                       self.what, str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)

    def worked(self) -> None:
        if self._since is None:  # the usual case: nothing to say, no lock taken
            return
        with self._lock:
            if self._since is None:
                return
            seconds, failures = time.monotonic() - self._since, self._failures
            self._since, self._failures = None, 0
        self.log.warning("%s works again after %d failed attempt(s) over %.1f s", self.what, failures, seconds)
