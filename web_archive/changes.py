"""What an incremental build must look at: threads updated since the last build, deadlines passed, authorities edited.

The store bumps `thread.updated_at` on every ORM change to a thread, its messages or its files, and a
problem report's own rows: its place and category, photos and recorded state changes
(store/change_tracking.py), so an incremental build reads only the rows updated after the last
build's watermark instead of all of them. Two things change what a thread *shows* without any
row changing, and are selected separately: a deadline passing (FOI requests sent in the window
of dates whose deadline fell between the last build's day and today), and an edit of the
authority's row (name, address), which is shown on every thread page of that authority.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa

from web_archive.source import (
    count_public,
    load_rows,
    parse,
    public_ids,
    threads_of,
    updated_since,
    waiting_sent_between,
)

# A transaction stamps updated_at when it flushes but becomes visible when it commits; one that commits
# after a build read a later watermark would be missed. Every build therefore looks again at the last
# SLACK before the watermark; threads seen then with the same updated_at keep their key and are skipped.
SLACK = timedelta(minutes=10)


@dataclass
class Candidates:
    rows: dict[int, tuple]                           # publishable threads to compare with the manifest
    gone: set[int] = field(default_factory=set)      # in the last build, no longer publishable
    rescanned: bool = False                          # the counts disagreed: every public id was read


def deadline_windows(site, before: date, after: date) -> list[tuple[date, date]]:
    """Sending days [first, last) of requests whose due or very-overdue date lies between two build days.

    A request sent on day d is overdue on day T when T > due(d), so its public state differs between
    build days P < T exactly when P <= due(d) < T (or the same for the very-overdue date).
    """
    low, high = sorted((before, after))
    if low == high:
        return []
    c = site.config
    day = low - timedelta(days=c.very_overdue_days * 2 + 60)  # working days are never sparser than this
    hits: list[date] = []
    while day < high:
        due, very_due = site.due_of("foi", day.isoformat())
        if low <= due < high or low <= very_due < high:
            hits.append(day)
        day += timedelta(days=1)
    windows: list[tuple[date, date]] = []
    for day in hits:
        if windows and windows[-1][1] == day:
            windows[-1] = (windows[-1][0], day + timedelta(days=1))
        else:
            windows.append((day, day + timedelta(days=1)))
    return windows


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def find_candidates(conn: sa.Connection, site, old: dict, previous: dict, changed_authority_ids: set[int]
                    ) -> Candidates | None:
    """The threads worth comparing with the manifest, or None when the manifest cannot say (build in full)."""
    if not old.get("watermark"):
        return None
    ids = updated_since(conn, parse(old["watermark"]) - SLACK)
    for first, last in deadline_windows(site, date.fromisoformat(old["today"]), site.today):
        ids |= waiting_sent_between(conn, _midnight(first), _midnight(last))
    if changed_authority_ids:
        ids |= threads_of(conn, changed_authority_ids)
    rows = load_rows(conn, ids)
    candidates = Candidates(rows, {tid for tid in ids if tid not in rows and tid in previous})
    # Rows deleted outright, or bulk updates that forgot updated_at, leave no trace above; the count shows
    # them (a table scan in the database, no rows to Python) and then every public id is read once.
    expected = len(previous) - len(candidates.gone) + sum(1 for tid in rows if tid not in previous)
    if count_public(conn) != expected:
        everything = public_ids(conn)
        candidates.gone |= {tid for tid in previous if tid not in everything}
        missing = [tid for tid in everything if tid not in previous and tid not in rows]
        candidates.rows |= load_rows(conn, missing)
        candidates.rescanned = True
    return candidates
