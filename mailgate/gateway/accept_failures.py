"""accept() failing, out of open files most likely, logged as one outage instead of once per attempt.

asyncio hands each failed accept() to the loop's exception handler, which logs it
with a traceback; it retries a second later and fails again, often a hundred times
at once (one per waiting connection): one client holding every open file made
serve log 21,896 lines in 15 s. Here the first failure is logged, and the end of
the outage once a retry period has passed without one (store/outage.py).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from store.outage import Outage

# Seconds without a failure that mean accept() works again: asyncio retries once a second.
QUIET = 2.0


class AcceptFailures:
    def __init__(self, log: logging.Logger, quiet: float = QUIET):
        self.outage = Outage(log, "accepting connections")
        self.quiet = quiet
        self._failed_lately = False
        self._check: asyncio.TimerHandle | None = None

    def handle(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """The loop's exception handler: failed accepts here, anything else to asyncio's own."""
        error = context.get("exception")
        if not (isinstance(error, OSError) and "accept" in str(context.get("message", ""))):
            loop.default_exception_handler(context)
            return
        self.outage.failed(error)
        self._failed_lately = True
        if self._check is None:
            self._check = loop.call_later(self.quiet, self._still_failing, loop)

    def _still_failing(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._failed_lately:
            self._failed_lately = False
            self._check = loop.call_later(self.quiet, self._still_failing, loop)
            return
        self._check = None
        self.outage.worked()
