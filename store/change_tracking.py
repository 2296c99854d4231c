"""Keeps `thread.updated_at` current: any ORM change to a thread, one of its messages or files, or a problem
report's own rows (its place and category, photos, recorded state changes) bumps it.

Registered on SQLAlchemy's Session class, so every writer (actors, CLI, tests)
is covered without remembering to do it. Bulk Core updates must set it themselves.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import store.clock
from store.models import Attachment, Report, ReportPhoto, ReportStateChange, Thread, ThreadMessage

# Rows that carry their thread's id and show on its public page.
_OF_A_THREAD = (ThreadMessage, Report, ReportPhoto, ReportStateChange)


def _thread_ids_touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, _OF_A_THREAD) and obj.thread_id is not None:
            ids.add(obj.thread_id)
        elif isinstance(obj, Attachment) and obj.message_id is not None:
            message = session.get(ThreadMessage, obj.message_id)
            if message is not None:
                ids.add(message.thread_id)
    return ids


@sa.event.listens_for(Session, "before_flush")
def _bump_updated_at(session: Session, _context: Any, _instances: Any) -> None:
    now = store.clock.now()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Thread) and (obj in session.new or session.is_modified(obj)):
            obj.updated_at = now
    for thread_id in _thread_ids_touched(session):
        thread = session.get(Thread, thread_id)
        if thread is not None:
            thread.updated_at = now
