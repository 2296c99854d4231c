"""RCPT-time verdicts: accept a recipient, or refuse it with 550 and a sentence a person understands.

Refusing at RCPT (rather than accepting and bouncing later) is what keeps
mailgate from ever sending backscatter to forged senders.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any, Callable

from store.addresses.book import AddressBook
from store.addresses.posting import why_closed
from store.addresses.routes import Route, RouteName, why_unresolved


@dataclass(frozen=True)
class Verdict:
    accept: bool
    reply: str  # the full SMTP reply line for this recipient
    route: Route | None = None


def refuse(reason: str, code: str = "550 5.1.1") -> Verdict:
    return Verdict(False, f"{code} {reason}")


def accept(route: Route, note: str = "recipient ok") -> Verdict:
    return Verdict(True, f"250 2.1.5 {note}", route)


@dataclass(frozen=True)
class ThreadFacts:
    """What RCPT needs to know about a thread, small enough to cache."""

    id: int
    title: str
    state: str
    who_may_post: str
    counterpart_domains: tuple[str, ...]  # the mail domains of the bodies the thread went to


# How long RCPT trusts what it read about a thread. A thread closed less than this
# ago may still accept a message; processing re-checks and holds it (never bounces).
CACHE_SECONDS = 1.0


class RecipientChecker:
    """Verdicts for RCPT. Thread lookups are cached for `cache_seconds`, so that a burst
    of replies to one thread costs one query: a thread closed a moment ago may still
    accept mail for that long, which processing then holds for an operator."""

    def __init__(self, addresses: AddressBook, read_threads: Callable[[tuple[int, ...]], list[tuple[Any, ...]]],
                 cache_seconds: float = CACHE_SECONDS, cache_size: int = 10_000):
        """`read_threads(ids)` gives (id, title, state, who_may_post, counterpart email) rows, one per counterpart
        (mailgate/gateway/dbapi_store.py's ThreadReader.facts)."""
        self.addresses = addresses
        self.read_threads = read_threads
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self._cache: dict[tuple[int, ...], tuple[float, list[ThreadFacts]]] = {}

    def check(self, address: str, mail_from: str) -> Verdict:
        verdict = self._check(address, mail_from, load=True)
        assert verdict is not None
        return verdict

    def check_without_store(self, address: str, mail_from: str) -> Verdict | None:
        """The verdict if it needs no query (not a thread address, or one looked up a
        moment ago); None if `check` must ask the store. Cheap enough for the event loop."""
        return self._check(address, mail_from, load=False)

    def _check(self, address: str, mail_from: str, load: bool) -> Verdict | None:
        route = self.addresses.resolve(address)
        if route is None:
            foreign = not address.lower().rstrip(">").endswith("@" + self.addresses.domain)
            return refuse(why_unresolved(address, self.addresses.domain), "550 5.7.1" if foreign else "550 5.1.1")
        if self.addresses.routes.names_thread(route.name):
            return self._check_thread(route, mail_from, load)
        if self.addresses.carries_token(route.name):  # a bounce or challenge address: its own id and token
            pattern = self.addresses.routes[route.name]
            if not self.addresses.token_valid(route.name, route.params[pattern.param], route.params["token"]):
                return refuse(f"<{route.address}> is not a {pattern.prefix} address of ours")
        return accept(route)

    def _check_thread(self, route: Route, mail_from: str, load: bool) -> Verdict | None:
        ident, token = route.params["thread_id"], route.params["token"]
        if self.addresses.token_valid(route.name, ident, token):
            candidates: tuple[int, ...] = (int(ident),)
        elif not load:
            return None  # the typo search costs up to MAX_TYPO_HMACS HMACs: not on the event loop
        else:
            candidates = tuple(self.addresses.typo_candidates(route.name, ident, token))
        threads = self._threads(candidates, load)
        if threads is None:
            return None
        if not threads:
            return refuse(f"<{route.address}> is not a valid address here: it matches no request "
                          "(please check it against the address you were written from)")
        if len(threads) > 1:
            # Ambiguous typo: accept, and let processing decide by In-Reply-To or hold it.
            return accept(route, "recipient ok (address looks mistyped; it will be matched by hand if needed)")
        thread = threads[0]
        if route.name == RouteName.CONFIRM:
            return accept(route) if thread.state == "awaiting_confirmation" else refuse(
                f"request {thread.id} is already confirmed, or has expired; there is nothing to confirm at "
                f"<{route.address}>")
        closed = why_closed(thread.id, thread.title, thread.who_may_post, thread.state, thread.counterpart_domains,
                            route.name, mail_from)
        return refuse(closed) if closed else accept(route)

    def _threads(self, candidates: tuple[int, ...], load: bool) -> list[ThreadFacts] | None:
        if not candidates:
            return []
        now = time.monotonic()
        cached = self._cache.get(candidates)
        if cached is not None and cached[0] > now:
            return cached[1]
        if not load:
            return None
        by_id: dict[int, ThreadFacts] = {}
        for ident, title, state, who_may_post, email in self.read_threads(candidates):
            facts = by_id.setdefault(ident, ThreadFacts(ident, title, state, who_may_post, ()))
            if email:
                domain = email.rpartition("@")[2].lower()
                by_id[ident] = replace(facts, counterpart_domains=facts.counterpart_domains + (domain,))
        threads = list(by_id.values())
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        self._cache[candidates] = (now + self.cache_seconds, threads)
        return threads
