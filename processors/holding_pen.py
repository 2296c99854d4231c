"""The holding pen: mail no thread claimed, kept with its reason and suggested threads.

Nothing goes to /dev/null: an operator assigns it to a thread (which replays it
through the normal path) or rejects it.
"""
from __future__ import annotations

import difflib
import re

from sqlmodel import Session, select

from processors.context import Context
from processors.threads import thread_by_references
from processors.understanding import Understood
from store.models import Counterpart, HeldMessage, InboundMessage, Thread

_REPLY_PREFIX = re.compile(r"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|r|rif|ref)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_FOI_PREFIX = re.compile(r"^\s*(freedom of information request\s*[-:–]\s*)", re.IGNORECASE)


def normalised_subject(subject: str) -> str:
    """The subject without reply prefixes and our own request prefix, for matching.

    >>> normalised_subject("RE: Fwd: Freedom of Information request - Library hours")
    'library hours'
    """
    subject = _REPLY_PREFIX.sub("", subject or "")
    return _FOI_PREFIX.sub("", subject).strip().lower()


def suggestions(session: Session, understood: Understood, candidates: list[int] = ()) -> list[dict]:
    found: dict[int, dict] = {}

    def add(thread: Thread | None, why: str) -> None:
        if thread is not None and thread.id not in found:
            found[thread.id] = {"thread_id": thread.id, "title": thread.title, "why": why}

    for thread_id in candidates:
        add(session.get(Thread, thread_id), "address is one typo away")
    add(thread_by_references(session, understood), "In-Reply-To/References name our mail in this thread")
    subject = normalised_subject(understood.subject)
    if subject:
        scored = []
        for thread in session.exec(select(Thread).where(Thread.kind != "").order_by(Thread.id.desc()).limit(5000)):
            ratio = difflib.SequenceMatcher(None, subject, thread.title.lower()).ratio()
            if ratio >= 0.6:
                scored.append((ratio, thread))
        for ratio, thread in sorted(scored, key=lambda pair: -pair[0])[:3]:
            add(thread, f"subject is {ratio:.0%} similar")
    sender_domain = (understood.from_address or "").rpartition("@")[2]
    if sender_domain:
        authorities = session.exec(select(Counterpart).where(Counterpart.email.endswith("@" + sender_domain))).all()
        for authority in authorities[:3]:
            recent = session.exec(select(Thread).where(Thread.counterpart_id == authority.id)
                                  .order_by(Thread.last_activity_at.desc()).limit(3)).all()
            for thread in recent:
                add(thread, f"sender's domain is {authority.name}'s")
    return list(found.values())[:8]


def hold(session: Session, inbound: InboundMessage, recipient: str, reason: str,
         understood: Understood, candidates: list[int] = ()) -> HeldMessage:
    existing = session.exec(select(HeldMessage).where(HeldMessage.inbound_id == inbound.id,
                                                      HeldMessage.recipient == recipient)).first()
    if existing is not None:
        return existing
    held = HeldMessage(inbound_id=inbound.id, recipient=recipient, reason=reason,
                       suggestions=suggestions(session, understood, candidates))
    session.add(held)
    return held


def list_held(session: Session, include_resolved: bool = False) -> list[HeldMessage]:
    query = select(HeldMessage).order_by(HeldMessage.id)
    if not include_resolved:
        query = query.where(HeldMessage.state == "held")
    return list(session.exec(query).all())


class HoldingPenError(ValueError):
    pass


def assign(session: Session, context: Context, held_id: int, thread_id: int) -> str:
    """An operator says which thread a held message belongs to: record it there now."""
    from processors.foi.responses import receive_response  # the pen sits below the FOI handlers
    from processors.understanding import understand

    held = session.get(HeldMessage, held_id)
    if held is None or held.state != "held":
        raise HoldingPenError(f"there is no held message {held_id} (see `mailgate holding-pen list`)")
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise HoldingPenError(f"there is no thread {thread_id}")
    inbound = session.get(InboundMessage, held.inbound_id)
    understood = understand(inbound.raw, envelope_from=inbound.mail_from)
    note = receive_response(session, context, thread, inbound, understood, by_an_operator=True)
    resolve(session, context, held, "assigned", thread_id)
    return note


def reject(session: Session, context: Context, held_id: int) -> None:
    held = session.get(HeldMessage, held_id)
    if held is None or held.state != "held":
        raise HoldingPenError(f"there is no held message {held_id} (see `mailgate holding-pen list`)")
    resolve(session, context, held, "rejected", None)


def resolve(session: Session, context: Context, held: HeldMessage, state: str, thread_id: int | None) -> None:
    """Out of the pen (assigned, rejected, released); the inbound is done when nothing of it is held."""
    from store.states import InboundState

    held.state, held.thread_id, held.resolved_at = state, thread_id, context.clock.now()
    session.flush()
    still_held = session.exec(select(HeldMessage).where(HeldMessage.inbound_id == held.inbound_id,
                                                        HeldMessage.state == "held")).first()
    if still_held is None:
        inbound = session.get(InboundMessage, held.inbound_id)
        inbound.state = InboundState.DONE
