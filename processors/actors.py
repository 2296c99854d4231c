"""The actor functions: thin, id-taking entry points into the processor modules.

They are plain functions here; `processors.broker.make_broker` declares them
on the broker it has just made, so no actor can bind to the wrong broker by
being imported first (dramatiq issues #214/#543).
"""
from __future__ import annotations

from processors import delivery, inbound
from processors.context import current


def process_inbound(inbound_id: int) -> None:
    inbound.process_inbound(current(), inbound_id)


def deliver_outbound(outbox_id: int) -> None:
    delivery.deliver_outbound(current(), outbox_id)


# One actor per kind of work that store/queue.py can ask for, under the same name.
ACTORS = (process_inbound, deliver_outbound)
