"""An operator releases what the loop breaker held in a request: every held forward, in one go.

A held follow-up was kept as a private, unsent follow-up; it is replaced by the
follow-up as sent. A held reply was kept as a private reply; it is shown, and the
requester told of it. Released forwards are not counted against the limits: an
operator decided to send them.
"""
from __future__ import annotations

from sqlmodel import Session, select

from processors.context import Context
from processors.foi.citizen import send_follow_up
from processors.foi.responses import notify_citizen_of_response
from processors.holding_pen import HoldingPenError, resolve
from processors.loops import HELD_REASON
from processors.understanding import understand
from store.models import HeldMessage, InboundMessage, Thread, ThreadMessage


def held_by_the_loop_breaker(session: Session, thread_id: int) -> list[HeldMessage]:
    held = session.exec(select(HeldMessage).where(HeldMessage.state == "held",
                                                  HeldMessage.reason.startswith(HELD_REASON))
                        .order_by(HeldMessage.id)).all()
    return [h for h in held if any(s.get("thread_id") == thread_id for s in h.suggestions)]


def release_loop(session: Session, context: Context, thread_id: int) -> int:
    """Send every forward of this request that the loop breaker holds; returns how many."""
    thread = session.get(Thread, thread_id)
    if thread is None:
        raise HoldingPenError(f"there is no thread {thread_id}")
    released = 0
    for held in held_by_the_loop_breaker(session, thread_id):
        message = session.exec(select(ThreadMessage).where(ThreadMessage.thread_id == thread_id,
                                                           ThreadMessage.inbound_id == held.inbound_id)).one()
        if message.kind == "follow_up":
            inbound = session.get(InboundMessage, held.inbound_id)
            text = message.body_text
            session.delete(message)
            session.flush()  # its place (thread, inbound) goes to the follow-up as sent
            send_follow_up(session, context, thread, inbound, understand(inbound.raw, envelope_from=inbound.mail_from),
                           text)
        else:
            message.hidden = False
            notify_citizen_of_response(session, context, thread, message)
        resolve(session, context, held, "released", thread_id)
        released += 1
    if not released:
        raise HoldingPenError(f"the loop breaker holds nothing of thread {thread_id} (see `mailgate holding-pen list`)")
    return released
