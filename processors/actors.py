"""The dramatiq actors: thin, id-taking entry points into the processor modules.

Imported only by processors.broker.install_broker, after the broker is set.
"""
from __future__ import annotations

import dramatiq

from processors import delivery, inbound
from processors.broker import QUEUE
from processors.context import current


@dramatiq.actor(queue_name=QUEUE, actor_name="process_inbound", max_retries=3)
def process_inbound(inbound_id: int) -> None:
    inbound.process_inbound(current(), inbound_id)


@dramatiq.actor(queue_name=QUEUE, actor_name="deliver_outbound", max_retries=3)
def deliver_outbound(outbox_id: int) -> None:
    delivery.deliver_outbound(current(), outbox_id)
