"""A digest bounced (its VERP address names the outbox row, so the subscriber): switch alerts off.

"No such user" (5.1.x) stops every alert of that address at once. Other permanent failures count
(a rate event, processors/limits.py): FAILURES_TO_DISABLE within WINDOW stop them. "Mailbox full"
(5.2.2, or the words, in a bounce some MTA calls permanent) and any 4xx never do: the mailbox exists
and will empty. A new confirmed alert starts the count afresh (subscribing.on_confirm).
"""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from processors import limits
from processors.alerts.subscribing import stop
from processors.context import Context
from processors.understanding import Understood
from store.models import Outbox, RateEvent, Subscriber

DIGEST_KINDS = ("alert_digest",)
FAILURES_TO_DISABLE = 3
WINDOW = timedelta(days=30)
EVENT = "alert_bounce"
_MAILBOX_FULL = re.compile(r"(?i)mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:the|its|their) quota|"
                           r"insufficient (?:disk )?space")


def digest_bounced(session: Session, context: Context, outbox: Outbox, understood: Understood,
                   status: str | None) -> str:
    email = outbox.to_address.lower()
    subscriber = session.exec(select(Subscriber).where(Subscriber.email == email)).first()
    if subscriber is None:
        return f"outbox {outbox.id} (a digest) bounced; its subscriber is gone"
    said = f"{understood.kind_reason}\n{understood.new_text[:20000]}"
    if (status or "").startswith(("4.", "5.2.2")) or _MAILBOX_FULL.search(said):
        return f"outbox {outbox.id} (a digest) bounced: mailbox full, alerts stay on"
    if (status or "").startswith("5.1."):
        stopped = stop(session, context, subscriber.id)
        return f"outbox {outbox.id} (a digest) bounced {status}: no such user; {stopped} alert(s) of <{email}> off"
    now = context.clock.now()
    limits.record(session, EVENT, now, address=email, note=f"outbox {outbox.id}: {status or 'permanent failure'}")
    session.flush()
    failures = limits.count_since(session, EVENT, now - WINDOW, address=email)
    if failures >= FAILURES_TO_DISABLE:
        stopped = stop(session, context, subscriber.id)
        return f"outbox {outbox.id} (a digest) bounced: {failures} failures in 30 days; {stopped} alert(s) off"
    return f"outbox {outbox.id} (a digest) bounced: failure {failures} of {FAILURES_TO_DISABLE} in 30 days"


def forget_failures(session: Session, email: str) -> None:
    """A newly confirmed alert: the address works again, earlier failures no longer count."""
    session.exec(sa.update(RateEvent).where(RateEvent.name == EVENT, RateEvent.address == email.lower(),
                                            RateEvent.cleared == False).values(cleared=True))  # noqa: E712
