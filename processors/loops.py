"""The loop breaker: forwards between the two sides of a thread, limited without trusting headers.

A forward is mail mailgate sends because an inbound message arrived: the requester's
follow-up sent on to the counterpart, the notice of the counterpart's reply sent to
the requester. Two acknowledgement robots that add no RFC 3834 header, one on each
side, answer each other through those forwards for ever, so they are limited by
what can be counted: at most `loop_forwards_per_hour` per thread and direction, and
none for a message as alike as `loop_similarity` to one of the last five from the
same side (robots say the same thing each time; people seldom do). Past either, the
kind keeps the message privately and the forward is held (LoopHeld, a
HoldForOperator: the holding pen shows the reason), and the operator is told once
per thread per hour.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum

from rapidfuzz import fuzz, utils
from sqlmodel import Session, select

from processors import limits
from processors.context import Context
from processors.kinds import HoldForOperator
from processors.threads import lock_thread
from store.models import Counterpart, Thread, ThreadMessage

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)
RECENT = 5               # messages from the same side that a new one is compared with
COMPARED_CHARS = 4000    # of each text: likeness costs len(a) * len(b) / 64 word operations
HELD_REASON = "loop breaker"  # every reason the pen shows for a loop starts so (processors/foi/loop_release.py)


class Direction(StrEnum):
    TO_COUNTERPART = "to_counterpart"  # the requester's follow-up, sent on to the authority
    TO_REQUESTER = "to_requester"      # the notice of the authority's reply, sent to the requester


# Whose words a forward in each direction carries: the requester's follow-ups (sent or held), or
# the replies that came from the counterpart's side (a reply is always incoming). One kind each, so
# the newest are read along ix_thread_message_thread_id_kind_arrived_at, never walking the thread.
_SAME_SIDE = {Direction.TO_COUNTERPART: "follow_up", Direction.TO_REQUESTER: "reply"}


class LoopHeld(HoldForOperator):
    """The forward is held: a loop, by count or by likeness. The message says which limit."""


def count_forward(session: Session, context: Context, thread: Thread, direction: Direction, text: str,
                  this_message: int | None = None) -> None:
    """Count this forward, or raise LoopHeld when it is past a limit (the caller keeps the message
    privately first). `this_message` is the message being forwarded, when already recorded."""
    lock_thread(session, thread.id)  # two workers forwarding in one thread count one after the other
    reason = why_a_loop(session, context, thread, direction, text, this_message)
    now = context.clock.now()
    if reason is None:
        limits.record(session, "forward", now, thread_id=thread.id, direction=direction,
                      address=recipient(session, thread, direction).lower())
        return
    tell_operator_once(session, context, thread, reason)
    raise LoopHeld(f"{HELD_REASON}: {reason}; `mailgate holding-pen release-loop {thread.id}` sends what it held")


def why_a_loop(session: Session, context: Context, thread: Thread, direction: Direction, text: str,
               this_message: int | None = None) -> str | None:
    config = context.config
    side = "the requester" if direction == Direction.TO_COUNTERPART else "the authority"
    sent = limits.count_since(session, "forward", context.clock.now() - WINDOW, thread_id=thread.id,
                              direction=direction)
    if sent >= config.loop_forwards_per_hour:
        return (f"{sent} forwards per hour from {side} in request {thread.id} already "
                f"(MAILGATE_LOOP_FORWARDS_PER_HOUR={config.loop_forwards_per_hour})")
    likeness = most_alike(session, thread, direction, text, this_message)
    if likeness >= config.loop_similarity:
        return (f"{likeness:.0%} similar to a recent message from {side} in request {thread.id} "
                f"(MAILGATE_LOOP_SIMILARITY={config.loop_similarity})")
    return None


def most_alike(session: Session, thread: Thread, direction: Direction, text: str,
               this_message: int | None = None) -> float:
    """How alike (0-1) `text` is to the most alike of the last RECENT messages from the same side."""
    new = utils.default_process(text[:COMPARED_CHARS])
    if not new:
        return 0.0  # nothing said (a file alone): nothing to compare
    query = (select(ThreadMessage.body_text).where(ThreadMessage.thread_id == thread.id,
                                                 ThreadMessage.kind == _SAME_SIDE[direction])
             .order_by(ThreadMessage.arrived_at.desc(), ThreadMessage.id.desc()).limit(RECENT))
    if this_message is not None:
        query = query.where(ThreadMessage.id != this_message)
    with session.no_autoflush:
        earlier = session.exec(query).all()
    return max((fuzz.ratio(new, utils.default_process(old[:COMPARED_CHARS])) / 100 for old in earlier), default=0.0)


def recipient(session: Session, thread: Thread, direction: Direction) -> str:
    if direction == Direction.TO_REQUESTER:
        return thread.citizen_email
    counterpart = session.get(Counterpart, thread.counterpart_id) if thread.counterpart_id else None
    return counterpart.email if counterpart else ""


def tell_operator_once(session: Session, context: Context, thread: Thread, reason: str) -> None:
    """A WARNING and a row `mailgate limits list` shows, once per thread per hour: a loop holds
    mail after mail, and the operator needs to hear of it once, not per message."""
    now = context.clock.now()
    if limits.count_since(session, "loop_alert", now - WINDOW, thread_id=thread.id):
        return
    note = f"loop in request {thread.id}: {reason}; forwards held until `mailgate holding-pen release-loop {thread.id}`"
    limits.record(session, "loop_alert", now, thread_id=thread.id, note=note[:1000])
    log.warning("%s", note)
