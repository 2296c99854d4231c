"""The one clock: everything that asks "what time is it?" asks it here.

Deadlines, reminders, thread ageing, questionnaires, retention and rate limits
all depend on now. The runtime puts one `Clock` in the processors' context and
installs the same object here for the store's own timestamps (row defaults, the
gateway's received_at), so that tests and the demo can move time for all of them
at once with a `MovableClock`, instead of waiting for dates or faking them.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class Clock:
    """Real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class MovableClock(Clock):
    """Real time shifted by an offset that a test or the demo moves.

    >>> clock = MovableClock()
    >>> before = clock.now()
    >>> clock.advance(timedelta(days=28))
    >>> (clock.now() - before).days
    28
    """

    def __init__(self, offset: timedelta = timedelta(0)) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, when: datetime) -> None:
        """From now on, time flows on from `when`."""
        self.offset = when - super().now()


_installed: Clock = Clock()


def install(clock: Clock) -> None:
    """Make `clock` the process's clock (the runtime does, once, with its context's clock)."""
    global _installed
    _installed = clock


def now() -> datetime:
    """The installed clock's now: for the store's defaults and the gateway, which have no context."""
    return _installed.now()
