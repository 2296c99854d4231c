"""The sweeper: the store says what is unfinished, and this puts it back in the queue.

The queue is only a trigger. After a crash, a broker restart or a lost message,
whatever is still `received`, stuck in `processing`, or `pending` and due is
enqueued again; the actors' state checks make duplicates harmless. While this
process's own queue still holds work (a burst being worked through),
the unfinished rows are almost all in it: the inbound sweep waits for the next
round rather than queueing thousands of duplicates.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from processors.context import Context
from store.models import InboundMessage, Outbox
from store.states import InboundState, OutboxState

STUCK_PROCESSING = timedelta(minutes=5)


@dataclass
class SweepResult:
    inbound: int = 0
    outbox: int = 0


def sweep(context: Context, *, received_older_than: timedelta = timedelta(seconds=10),
          limit: int = 10_000) -> SweepResult:
    now = context.clock.now()
    inbound_limit = 0 if context.queue.waiting() else limit
    with context.engine.begin() as connection:
        inbound_ids = connection.execute(
            sa.select(InboundMessage.id).where(sa.or_(
                sa.and_(InboundMessage.state == InboundState.RECEIVED,
                        InboundMessage.updated_at <= now - received_older_than),
                sa.and_(InboundMessage.state == InboundState.PROCESSING,
                        InboundMessage.updated_at <= now - STUCK_PROCESSING),
            )).order_by(InboundMessage.id).limit(inbound_limit)).scalars().all()
        # A claim whose lease ran out belongs to a worker that died mid-send.
        connection.execute(sa.update(Outbox).where(Outbox.state == OutboxState.SENDING,
                                                   Outbox.next_attempt_at <= now)
                           .values(state=OutboxState.PENDING, last_error="delivery interrupted; retrying"))
        outbox_ids = connection.execute(
            sa.select(Outbox.id).where(Outbox.state == OutboxState.PENDING, Outbox.next_attempt_at <= now)
            .order_by(Outbox.id).limit(limit)).scalars().all()
    for inbound_id in inbound_ids:
        context.queue.process_inbound(inbound_id)
    for outbox_id in outbox_ids:
        context.queue.deliver_outbound(outbox_id)
    return SweepResult(len(inbound_ids), len(outbox_ids))

