"""Authority statistics (requests, response rate, share overdue, median days to first response) and letters."""
from __future__ import annotations

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
    letters: int
    replied: int

    @property
    def response_rate(self) -> float:
        return self.replied / self.letters if self.letters else 0.0


def responsiveness(counts: list[tuple[int, int, int]]) -> list[LetterStats]:
    """Representatives ordered best first: response rate, then number of letters."""
    rows = [LetterStats(*c) for c in counts]
    return sorted(rows, key=lambda r: (-r.response_rate, -r.letters, r.authority_id))


def percent(value: float | None) -> str:
    """
    >>> percent(0.4567), percent(None)
    ('46%', '–')
    """
    return "–" if value is None else f"{round(value * 100)}%"
