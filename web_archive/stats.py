"""Authority statistics (requests, response rate, share overdue, median days to first response) and letters."""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import median
from typing import Iterable

from store.report_states import CLOSED
from web_archive.summary import Summary

OVERDUE = ("overdue", "very_overdue")
# A problem report in one of these is closed: Open311 says "closed", the statistics do not count it open.
CLOSED_REPORT_STATES = frozenset(state.value for state in CLOSED)


@dataclass
class AuthorityStats:
    requests: int = 0        # public FOI requests
    answered: int = 0        # with at least one real reply
    overdue: int = 0         # overdue or very overdue today
    reports: int = 0         # public problem reports
    median_days: float | None = None  # calendar days from sending to the first reply
    open_reports: int = 0    # problem reports not closed (open, investigating, in progress, action scheduled)
    fixed_reports: int = 0   # problem reports fixed now
    median_days_to_fix: float | None = None  # calendar days from sending to the recorded change to fixed

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.requests if self.requests else None

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.requests if self.requests else None


def authority_stats(summaries: Iterable[Summary]) -> dict[int, AuthorityStats]:
    """Statistics per authority id from thread summaries (whose state is today's public state)."""
    stats: dict[int, AuthorityStats] = {}
    delays: dict[int, list[int]] = {}
    fixes: dict[int, list[int]] = {}
    for s in summaries:
        if s.authority_id is None:
            continue
        entry = stats.get(s.authority_id)
        if entry is None:
            entry = stats[s.authority_id] = AuthorityStats()
        if s.kind == "report":
            entry.reports += 1
            entry.open_reports += s.state not in CLOSED_REPORT_STATES
            entry.fixed_reports += s.state == "fixed"
            if s.fixed_days is not None:
                fixes.setdefault(s.authority_id, []).append(s.fixed_days)
            continue
        entry.requests += 1
        if s.response_days is not None:
            entry.answered += 1
            delays.setdefault(s.authority_id, []).append(s.response_days)
        if s.state in OVERDUE:
            entry.overdue += 1
    for authority_id, values in delays.items():
        stats[authority_id].median_days = median(values)
    for authority_id, values in fixes.items():
        stats[authority_id].median_days_to_fix = median(values)
    return stats


@dataclass
class LetterStats:
    authority_id: int
    letters: int         # delivered
    replied: int         # with a counted reply, or the constituent's YES
    median_days: float | None = None  # from delivery to the first counted reply, over replied letters

    @property
    def enough(self) -> bool:
        """Under MIN_LETTERS letters a rate says more about chance than about the representative."""
        return self.letters >= MIN_LETTERS

    @property
    def response_rate(self) -> float:
        return self.replied / self.letters if self.letters else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.replied, self.letters)


MIN_LETTERS = 10
Z_95 = 1.959964  # the standard normal quantile of a two-sided 95% interval


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion: sound at 0%, 100% and for small counts, where the
    usual p ± z·√(p(1−p)/n) gives intervals below 0 or above 1, or of no width.

    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    >>> [round(x, 3) for x in wilson_interval(0, 10)], wilson_interval(0, 0)
    ([0.0, 0.278], (0.0, 1.0))
    """
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def responsiveness(outcomes: list[tuple[int, bool, float | None]]) -> list[LetterStats]:
    """One row per representative from each letter's (representative, replied, days to first reply):
    those with enough letters first, best response rate first, then by letters."""
    by_representative: dict[int, list[tuple[bool, float | None]]] = {}
    for authority_id, replied, days in outcomes:
        by_representative.setdefault(authority_id, []).append((replied, days))
    rows = []
    for authority_id, letters in by_representative.items():
        days = [d for replied, d in letters if replied and d is not None]
        rows.append(LetterStats(authority_id, len(letters), sum(1 for replied, _ in letters if replied),
                                median(days) if days else None))
    return sorted(rows, key=lambda r: (not r.enough, -r.response_rate, -r.letters, r.authority_id))


def percent(value: float | None) -> str:
    """
    >>> percent(0.4567), percent(None)
    ('46%', '–')
    """
    return "–" if value is None else f"{round(value * 100)}%"
