"""With Redis, a message taken by a worker that then dies is redelivered to another within about a minute.

This runs dramatiq's real Redis scripts: one consumer takes a message and stops
heartbeating (as a `kill -9`ed worker does); a second consumer, polling as an
idle worker does, must get the message once the heartbeat is stale.
"""
from __future__ import annotations

import time

import pytest
from dramatiq.message import Message

from processors.broker import QUEUE, REDIS_HEARTBEAT_MS, redis_broker


@pytest.mark.postgres_redis
@pytest.mark.slow
def test_a_dead_workers_message_comes_back_within_a_minute(redis_url, broker_namespace):
    namespace = broker_namespace
    dying, survivor = redis_broker(redis_url, namespace), redis_broker(redis_url, namespace)
    for broker in (dying, survivor):
        broker.declare_queue(QUEUE)
    dying.enqueue(Message(queue_name=QUEUE, actor_name="process_inbound", args=(42,), kwargs={}, options={}))

    taken = None
    consumer = dying.consume(QUEUE, prefetch=1, timeout=200)
    for _ in range(50):
        taken = next(consumer)
        if taken is not None:
            break
    assert taken is not None and taken.args == (42,)
    died_at = time.monotonic()  # no ack, no more heartbeats: the worker is gone

    other = survivor.consume(QUEUE, prefetch=1, timeout=200)
    redelivered = None
    while redelivered is None and time.monotonic() - died_at < 90:
        redelivered = next(other)
    waited = time.monotonic() - died_at
    assert redelivered is not None and redelivered.args == (42,), "not redelivered within 90 s"
    assert waited >= REDIS_HEARTBEAT_MS / 1000 - 1  # not before the heartbeat went stale
    assert waited <= 60, f"redelivery took {waited:.0f} s"
    other.ack(redelivered)
    other.close()
