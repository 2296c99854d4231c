"""Authority statistics (requests, response rate, share overdue, median days to first response) and letters."""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Iterable

from web_archive.summary import Summary

OVERDUE = ("overdue", "very_overdue")


@dataclass
class AuthorityStats:
    requests: int = 0        # public FOI requests
    answered: int = 0        # with at least one real reply
    overdue: int = 0         # overdue or very overdue today
    reports: int = 0         # public problem reports
    median_days: float | None = None  # calendar days from sending to the first reply

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
    for s in summaries:
        if s.authority_id is None:
            continue
        entry = stats.get(s.authority_id)
        if entry is None:
            entry = stats[s.authority_id] = AuthorityStats()
        if s.kind == "report":
            entry.reports += 1
            continue
        entry.requests += 1
        if s.response_days is not None:
            entry.answered += 1
            delays.setdefault(s.authority_id, []).append(s.response_days)
        if s.state in OVERDUE:
            entry.overdue += 1
    for authority_id, values in delays.items():
        stats[authority_id].median_days = median(values)
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
