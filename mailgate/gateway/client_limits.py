"""Per-client limits at the front door, as Postfix's anvil keeps them: open connections,
connections per window, and refused recipients per window.

One client once held ~1,010 idle connections (every file the process could open)
and another made 15,000 refused recipient guesses at 3,300 a second. Each gateway
process keeps its own counts: with several processes sharing the port
(SO_REUSEPORT) a client may get up to the limit in each of them.

A client is its IP address; an IPv6 client is its /64, the network one host is
usually given, so that it cannot step around the limits by changing address.
"""
from __future__ import annotations

import ipaddress
import logging
from collections import Counter, deque
from dataclasses import dataclass
from typing import Callable

import store.clock

log = logging.getLogger(__name__)

Seconds = Callable[[], float]


def store_seconds() -> float:
    """The one clock (store/clock.py), as seconds: tests move it instead of waiting."""
    return store.clock.now().timestamp()


def client_key(address: str) -> str:
    """What the limits count a peer address as.

    >>> client_key("192.0.2.7"), client_key("::ffff:192.0.2.7"), client_key("2001:db8:1:2:aaaa::1")
    ('192.0.2.7', '192.0.2.7', '2001:db8:1:2::/64')
    >>> client_key("not an address")
    'not an address'
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # a Unix socket, or whatever an MTA forwarded
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class SlidingWindow:
    """Events per key over the last `window` seconds; at most `limit` per key (0: no limit).

    Only events under the limit are kept, so a key costs at most `limit` floats however
    hard it hammers, and it is allowed again as its oldest events leave the window.

    >>> now = [0.0]
    >>> window = SlidingWindow(2, 60.0, lambda: now[0])
    >>> [window.hit("a"), window.hit("a"), window.hit("a"), window.hit("b")]
    [True, True, False, True]
    >>> now[0] = 60.0
    >>> window.full("a"), window.hit("a")
    (False, True)
    """

    def __init__(self, limit: int, window: float, now: Seconds = store_seconds):
        self.limit, self.window, self.now = limit, window, now
        self._events: dict[str, deque[float]] = {}
        self._swept = now()

    def full(self, key: str) -> bool:
        return bool(self.limit) and len(self._recent(key, self.now())) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when the window is full."""
        if not self.limit:
            return True
        now = self.now()
        events = self._recent(key, now)
        if len(events) >= self.limit:
            return False
        events.append(now)
        self._events[key] = events
        if now - self._swept >= self.window:
            self._sweep(now)
        return True

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.get(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def _sweep(self, now: float) -> None:
        """Forget keys with nothing left in the window: memory follows recent clients only."""
        self._swept = now
        for key in [key for key, events in self._events.items() if not events or events[-1] <= now - self.window]:
            del self._events[key]


@dataclass(frozen=True)
class Limits:
    """0 turns a limit off. The window applies to both rates."""

    connections: int = 50
    connection_rate: int = 100
    session_refused: int = 20
    client_refused: int = 60
    window: float = 60.0


class ClientLimits:
    """The counts of one gateway process; each method answers None to go on, or the 421 to send before closing."""

    def __init__(self, limits: Limits, domain: str, now: Seconds = store_seconds):
        self.limits, self.domain = limits, domain
        self.open: Counter[str] = Counter()
        self.connections = SlidingWindow(limits.connection_rate, limits.window, now)
        self.refused = SlidingWindow(limits.client_refused, limits.window, now)
        self.refusals = RefusalLog(limits.window, now)

    def admit(self, client: str) -> str | None:
        """A new connection (or, over LMTP, a newly forwarded client); counted open when admitted."""
        reply = None
        if self.limits.connections and self.open[client] >= self.limits.connections:
            reply = (f"421 4.7.0 {self.domain} too many connections from your address "
                     f"({self.open[client]} open); please close some and try again later")
        elif not self.connections.hit(client):
            reply = (f"421 4.7.0 {self.domain} too many connections from your address in the last "
                     f"{self.limits.window:g} seconds; please try again later")
        else:
            reply = self.recipients_refused(client)
        if reply is None:
            self.open[client] += 1
        else:
            self.refusals.refused(client, reply)
        return reply

    def release(self, client: str) -> None:
        self.open[client] -= 1
        if self.open[client] <= 0:
            del self.open[client]

    def recipients_refused(self, client: str) -> str | None:
        """The 421 for a client that has had its refused recipients for this window."""
        return self._too_many_unknown() if self.refused.full(client) else None

    def refused_recipient(self, client: str, in_session: int) -> str | None:
        """Count one more refused recipient (`in_session` so far in this session, this one included)."""
        over_session = bool(self.limits.session_refused) and in_session > self.limits.session_refused
        if over_session or not self.refused.hit(client):
            reply = self._too_many_unknown()
            self.refusals.refused(client, reply)
            return reply
        return None

    def _too_many_unknown(self) -> str:
        return (f"421 4.7.0 {self.domain} too many unknown recipients from your address; "
                "please check your addresses and try again later")


class RefusalLog:
    """The first refusal is logged; later ones are counted and summed up at most once a window.

    Logged one by one, a flood of refused connections would be a flood of log lines.
    """

    def __init__(self, window: float, now: Seconds = store_seconds):
        self.window, self.now = window, now
        self._since: float | None = None
        self._counts: Counter[str] = Counter()

    def refused(self, client: str, reply: str) -> None:
        now = self.now()
        if self._since is None or now - self._since >= self.window:
            if self._counts:
                self._sum_up(now)
            self._since = now
            log.warning("refused %s: %s (more refusals are counted and summed up every %g s)",
                        client, reply[4:], self.window)
            return
        self._counts[client] += 1

    def _sum_up(self, now: float) -> None:
        assert self._since is not None
        (worst, most), = self._counts.most_common(1)
        log.warning("refused %d more connections or recipients from %d client(s) in %.0f s, most from %s (%d)",
                    sum(self._counts.values()), len(self._counts), now - self._since, worst, most)
        self._counts.clear()
