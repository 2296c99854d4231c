"""The counted acts behind mailgate's limits (the `rate_event` table), read and written in one place.

A limit is "at most N acts of this name, matching these columns, since then": the
loop breaker counts forwards per thread and direction (processors/loops.py), the
strangers' rules count mails per recipient and per SMTP client (processors/strangers.py).
An operator's `mailgate limits reset ADDRESS` clears the acts of an address or a
client, so they no longer count.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from store.models import RateEvent


def count_since(session: Session, name: str, since: datetime, **where: Any) -> int:
    """Acts called `name` at or after `since` whose columns equal `where` (cleared ones not counted)."""
    query = select(sa.func.count()).select_from(RateEvent).where(
        RateEvent.name == name, RateEvent.at >= since, RateEvent.cleared == False)  # noqa: E712
    for column, value in where.items():
        query = query.where(getattr(RateEvent, column) == value)
    with session.no_autoflush:  # a read must not start the write transaction early (mail_out.queue_mail)
        return session.exec(query).one()


def record(session: Session, name: str, at: datetime, **columns: Any) -> RateEvent:
    event = RateEvent(name=name, at=at, **columns)
    session.add(event)
    return event


def reset(session: Session, address_or_client: str) -> int:
    """Clear every counted act to this address (any case) or from this SMTP client; returns how many."""
    key = address_or_client.strip()
    result = session.execute(sa.update(RateEvent).where(
        RateEvent.cleared == False,  # noqa: E712
        sa.or_(RateEvent.address == key.lower(), RateEvent.client == key)).values(cleared=True))
    return result.rowcount


def recent(session: Session, since: datetime, names: tuple[str, ...] = ()) -> list[RateEvent]:
    """The acts since then, newest first, for `mailgate limits list`."""
    query = select(RateEvent).where(RateEvent.at >= since).order_by(RateEvent.at.desc(), RateEvent.id.desc())
    if names:
        query = query.where(RateEvent.name.in_(names))
    return list(session.exec(query).all())


def oldest_since(session: Session, name: str, since: datetime, **where: Any) -> datetime | None:
    """When the oldest act that `count_since` counts happened: a limit reopens a window after it."""
    query = select(sa.func.min(RateEvent.at)).where(
        RateEvent.name == name, RateEvent.at >= since, RateEvent.cleared == False)  # noqa: E712
    for column, value in where.items():
        query = query.where(getattr(RateEvent, column) == value)
    with session.no_autoflush:
        oldest = session.exec(query).one()
    return oldest.replace(tzinfo=since.tzinfo) if oldest is not None and oldest.tzinfo is None else oldest
