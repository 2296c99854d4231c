"""The actor functions: thin, id-taking entry points into the processor modules.

They are plain functions here; `processors.broker.install_broker` declares them
on the broker it has just made, so no actor can bind to the wrong broker by
being imported first (dramatiq issues #214/#543).
"""
from __future__ import annotations

from processors import delivery, inbound
from processors.context import current


def process_inbound(inbound_id: int) -> None:
    context = current()
    context.before_work()
    inbound.process_inbound(context, inbound_id)


def deliver_outbound(outbox_id: int) -> None:
    context = current()
    context.before_work()
    delivery.deliver_outbound(context, outbox_id)


ACTORS = (process_inbound, deliver_outbound)
