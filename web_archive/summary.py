"""The little that lists, statistics and indexes need about each thread, kept in the build manifest.

A summary also carries its thread's entries for api/threads.json and Open311 requests.json as
ready-made JSON text, so that an incremental build rewrites those big indexes by joining
strings instead of re-encoding 100,000 threads.
"""
from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

from store.public_urls import thread_path
from web_archive.source import ThreadView


class Summary(NamedTuple):
    key: int                    # hash of what the thread's pages depend on; a new key means render again
    id: int
    kind: str
    title: str
    state: str                  # the public state today (overdue, awaiting classification ...)
    authority_id: int | None
    created_at: str
    sent_at: str | None
    last_activity_at: str
    messages: int               # visible messages
    response_days: int | None   # calendar days from sending to the arrival of the first real reply (not auto-reply/bounce)
    url: str                    # relative to the output root, e.g. "thread/12/"
    index_json: str             # this thread's entry in api/threads.json
    open311_json: str           # its entry in api/open311/requests.json ("" unless a problem report)
    fixed_days: int | None      # a problem report fixed now: calendar days from sending to its last change to fixed


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def days_between(start: str, end: str) -> int:
    """Whole calendar days between two stored dates.

    >>> days_between("2026-01-01 10:00:00", "2026-01-11 09:00:00")
    10
    """
    return (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days


def summarise(view: ThreadView, key: int, state: str, index_entry: dict, open311_entry: dict | None) -> Summary:
    row = view.row
    first = next((m.arrived_at for m in view.messages if m.direction == "incoming" and m.kind == "reply"), None)
    days = max(0, days_between(row.sent_at or row.created_at, first)) if first else None
    fixed_at = view.report.fixed_at(row.state) if view.report is not None else None
    fixed_days = max(0, days_between(row.sent_at or row.created_at, fixed_at)) if fixed_at else None
    return Summary(key, row.id, row.kind, row.title, state, row.authority_id, row.created_at, row.sent_at,
                   row.last_activity_at, len(view.messages), days, thread_path(row.id), dump(index_entry),
                   dump(open311_entry) if open311_entry else "", fixed_days)
