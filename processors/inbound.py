"""Process one stored inbound message: understand it, route each recipient, record the outcome.

Idempotent by construction: the message is claimed by its state, and everything
it produces (thread messages, outbox rows, holding-pen entries) is written in one
transaction with unique keys, so a redelivered or swept id changes nothing twice.
A message that keeps failing is set aside as `failed` with its error; nothing is
dropped, and `mailgate inbound retry ID` replays it.
"""
from __future__ import annotations

import logging
import threading
import traceback
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session

from processors.context import Context
from processors.mail_out import commit_and_send
from processors.memory import give_memory_back
from processors.routing import route_recipients
from processors.trust.verdict import judge_inbound
from processors.understanding import understand
from store.models import InboundMessage
from store.states import UNFINISHED_INBOUND, InboundState

log = logging.getLogger(__name__)

LARGE_MESSAGE_BYTES = 1024 * 1024  # the gateway spools DATA past the same size (MAILGATE_SPOOL_THRESHOLD's default)
_ONE_LARGE_MESSAGE_AT_A_TIME = threading.Lock()


def claim(context: Context, inbound_id: int) -> bool:
    """Mark the message as being processed and count the attempt; False if not ours to do."""
    with context.engine.begin() as connection:
        result = connection.execute(
            sa.update(InboundMessage)
            .where(InboundMessage.id == inbound_id, InboundMessage.state.in_(UNFINISHED_INBOUND))
            .values(state=InboundState.PROCESSING, attempts=InboundMessage.attempts + 1, updated_at=context.clock.now()))
        return result.rowcount == 1


def process_inbound(context: Context, inbound_id: int) -> str:
    if not claim(context, inbound_id):
        return "skipped"
    size = _size_of(context, inbound_id)
    if size < LARGE_MESSAGE_BYTES:
        return _process(context, inbound_id)
    # Parsing a message costs several times its size (the bytes, their text, the lines, the
    # decoded parts): large ones take turns within a process, and their memory is given back.
    with _ONE_LARGE_MESSAGE_AT_A_TIME:
        try:
            return _process(context, inbound_id)
        finally:
            give_memory_back()


def _size_of(context: Context, inbound_id: int) -> int:
    with context.engine.connect() as connection:
        return connection.execute(sa.select(InboundMessage.size).where(InboundMessage.id == inbound_id)).scalar() or 0


def _process(context: Context, inbound_id: int) -> str:
    try:
        with Session(context.engine, expire_on_commit=False) as session:
            inbound = session.get(InboundMessage, inbound_id)
            if inbound.attempts > context.config.max_attempts:
                return _set_aside(context, inbound_id, f"gave up after {inbound.attempts - 1} attempts; "
                                  f"last error: {inbound.last_error or 'the worker died while processing it'}")
            judge_inbound(context.config, inbound)
            understood = understand(inbound.raw, envelope_from=inbound.mail_from,
                                    spam_threshold=context.config.spam_threshold)
            outcome = route_recipients(session, context, inbound, understood)
            inbound.state = InboundState.HELD if outcome.held else InboundState.DONE
            inbound.last_error = "; ".join(outcome.notes)[:5000]
            inbound.updated_at = context.clock.now()
            commit_and_send(session, context)
    except Exception as exc:
        return _failed_attempt(context, inbound_id, exc)
    return inbound.state


def _failed_attempt(context: Context, inbound_id: int, exc: Exception) -> str:
    error = "".join(traceback.format_exception_only(exc)).strip()
    log.error("inbound %s failed: %s", inbound_id, error, exc_info=exc)
    with context.engine.begin() as connection:
        attempts = connection.execute(sa.select(InboundMessage.attempts)
                                      .where(InboundMessage.id == inbound_id)).scalar_one()
        give_up = attempts >= context.config.max_attempts
        state = InboundState.FAILED if give_up else InboundState.RECEIVED
        connection.execute(sa.update(InboundMessage).where(InboundMessage.id == inbound_id)
                           .values(state=state, last_error=error[:5000], updated_at=context.clock.now()))
    if not give_up:
        delay = timedelta(seconds=min(2 ** attempts, 300))
        context.queue.process_inbound(inbound_id, delay=delay)
    return state


def _set_aside(context: Context, inbound_id: int, error: str) -> str:
    with context.engine.begin() as connection:
        connection.execute(sa.update(InboundMessage).where(InboundMessage.id == inbound_id)
                           .values(state=InboundState.FAILED, last_error=error[:5000], updated_at=context.clock.now()))
    return InboundState.FAILED


def retry(context: Context, inbound_id: int) -> bool:
    """Put a failed or held message back in line (operator's `mailgate inbound retry`)."""
    with context.engine.begin() as connection:
        result = connection.execute(
            sa.update(InboundMessage)
            .where(InboundMessage.id == inbound_id,
                   InboundMessage.state.in_((InboundState.FAILED, InboundState.HELD)))
            .values(state=InboundState.RECEIVED, attempts=0, updated_at=context.clock.now()))
    if result.rowcount == 1:
        context.queue.process_inbound(inbound_id)
        return True
    return False
