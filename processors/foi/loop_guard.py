"""The loop breaker (processors/loops.py) at the two places a request forwards mail.

Past a limit the message is still kept on the thread, privately, and LoopHeld
(a HoldForOperator) puts it in the holding pen with the reason; the operator
releases a thread's held forwards with `mailgate holding-pen release-loop`
(processors/foi/loop_release.py).
"""
from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session, select

from processors.context import Context
from processors.loops import Direction, LoopHeld, count_forward
from processors.threads import record_incoming
from processors.understanding import Understood
from store.models import InboundMessage, Outbox, Thread, ThreadMessage


def guard_follow_up(session: Session, context: Context, thread: Thread, inbound: InboundMessage,
                    understood: Understood, text: str, dedupe_key: str) -> None:
    """Before the requester's words go to the authority. A resend of a follow-up already sent is
    no new forward (send_follow_up sends it once)."""
    with session.no_autoflush:
        if session.exec(select(Outbox.id).where(Outbox.dedupe_key == dedupe_key)).first() is not None:
            return
    try:
        count_forward(session, context, thread, Direction.TO_COUNTERPART, text)
    except LoopHeld:
        # Kept as the follow-up it would have been, unsent and private; its files stay in the raw mail.
        record_incoming(session, context, thread, inbound, replace(understood, new_text=text, attachments=[]),
                        kind="follow_up", hidden=True)
        raise


def guard_notification(session: Session, context: Context, thread: Thread, message: ThreadMessage) -> None:
    """Before the requester is told of the authority's reply (already recorded as `message`)."""
    try:
        count_forward(session, context, thread, Direction.TO_REQUESTER, message.body_text, this_message=message.id)
    except LoopHeld:
        message.hidden = True  # recorded as usual, but private until an operator releases it
        raise
