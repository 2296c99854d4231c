"""What is new for one alert: public messages of public threads (store/publishable.py: never a letter,
a hidden message or thread, anything unconfirmed) that arrived since the alert was confirmed and that
its subscriber was never told about (alert_sent). Read when the digest is built, so a message hidden
meanwhile is not in it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from store.models import Alert, AlertSent, Counterpart, Thread, ThreadCounterpart, ThreadMessage
from store.public_urls import public_url, thread_path
from store.publishable import FLAGS, PUBLISHABLE, VISIBLE_MESSAGE
from store.states import AlertTarget

t = aliased(Thread, name="t")
m = aliased(ThreadMessage, name="m")
_PUBLIC = sa.text(f"{PUBLISHABLE} AND {VISIBLE_MESSAGE}").bindparams(**FLAGS)


@dataclass(frozen=True)
class Item:
    message_id: int
    thread_id: int
    title: str      # the thread's title
    subject: str    # the message's public subject
    arrived_at: datetime


def new_items(session: Session, alert: Alert, subscriber_id: int, told: set[int]) -> list[Item]:
    """Every new item of `alert`, oldest first, leaving out the messages in `told` (named under an
    earlier alert of the same digest)."""
    query = (select(m.id, m.thread_id, t.title, m.public_subject, m.arrived_at, m.public_body)
             .join(t, t.id == m.thread_id).where(_PUBLIC)
             .where(m.arrived_at >= alert.confirmed_at)
             .where(~sa.exists().where(AlertSent.subscriber_id == subscriber_id, AlertSent.message_id == m.id)))
    query = _for_target(session, query, alert)
    if query is None:
        return []
    rows = session.exec(query.order_by(m.arrived_at, m.id)).all()
    words = alert.value.split() if alert.target == AlertTarget.SEARCH else []
    return [Item(row[0], row[1], row[2], row[3], row[4]) for row in rows
            if row[0] not in told and all(_has_word(f"{row[2]} {row[3]} {row[5]}", w) for w in words)]


def _for_target(session: Session, query, alert: Alert):
    if alert.target == AlertTarget.THREAD:
        return query.where(t.id == int(alert.value))
    if alert.target == AlertTarget.SEARCH:
        for word in alert.value.split():  # a first cut in SQL; whole words are checked in Python
            text = sa.func.lower(t.title + " " + m.public_subject + " " + m.public_body)
            query = query.where(text.contains(word, autoescape=True))
        return query
    counterpart_id = session.exec(select(Counterpart.id).where(Counterpart.slug == alert.value)).first()
    if counterpart_id is None:
        return None
    also = sa.exists().where(ThreadCounterpart.thread_id == t.id, ThreadCounterpart.counterpart_id == counterpart_id)
    return query.where(sa.or_(t.counterpart_id == counterpart_id, also))


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text.lower()) is not None


def item_url(site_url: str, item: Item) -> str:
    return public_url(site_url, thread_path(item.thread_id)) + f"#m{item.message_id}"


def more_url(site_url: str, alert: Alert) -> str:
    """Where the items a digest leaves out are: the thread, the authority's page, or the search page."""
    if alert.target == AlertTarget.THREAD:
        return public_url(site_url, thread_path(int(alert.value)))
    if alert.target == AlertTarget.SEARCH:
        return public_url(site_url, f"search/?q={quote(alert.value)}")
    return public_url(site_url, f"authority/{alert.value}/")
