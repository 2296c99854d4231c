"""The dramatiq broker, set up here before any actor is declared.

dramatiq's `@actor` decorator binds to whatever broker is global when a module
is imported (dramatiq issues #214/#543). Here the broker is made first and the
actor functions are then declared on it explicitly, so import order cannot matter.
"""
from __future__ import annotations

import dramatiq
from dramatiq.brokers.stub import StubBroker
from dramatiq.message import Message
from dramatiq.middleware import AgeLimit, Callbacks, Pipelines, Retries, ShutdownNotifications, TimeLimit

from store.queue import Queue, Work

QUEUE = "mailgate"
# A killed Redis worker's unacked messages are requeued by "maintenance", which
# dramatiq runs on 0.1% of commands once a heartbeat is 60 s stale: on a quiet
# system that can take well over 10 minutes. Run it on 5% of commands with a 15 s
# heartbeat so redelivery happens within about a minute.
REDIS_HEARTBEAT_MS = 15_000
REDIS_MAINTENANCE_CHANCE = 50_000  # out of dramatiq's MAINTENANCE_SCALE of 1,000,000


def _middleware() -> list:
    # Our actors record failures in the store and schedule their own retries,
    # so dramatiq's Retries only guards against crashes outside that handling.
    return [AgeLimit(), TimeLimit(time_limit=10 * 60 * 1000), ShutdownNotifications(), Callbacks(), Pipelines(),
            Retries(max_retries=3, min_backoff=1000, max_backoff=60_000)]


def redis_broker(url: str, namespace: str = "mailgate") -> dramatiq.Broker:
    from dramatiq.brokers.redis import RedisBroker

    return RedisBroker(url=url, middleware=_middleware(), namespace=namespace, heartbeat_timeout=REDIS_HEARTBEAT_MS,
                       maintenance_chance=REDIS_MAINTENANCE_CHANCE)


def make_broker(url: str, namespace: str = "mailgate", extra_middleware: tuple = ()) -> dramatiq.Broker:
    """Redis for a `redis://` URL, else the in-process broker; with the actors declared on it."""
    if url.startswith(("redis://", "rediss://")):
        broker: dramatiq.Broker = redis_broker(url, namespace)
    else:
        broker = StubBroker(middleware=_middleware())
    for middleware in extra_middleware:
        broker.add_middleware(middleware)
    broker.declare_queue(QUEUE)
    dramatiq.set_broker(broker)
    from processors.actors import ACTORS

    for function in ACTORS:
        dramatiq.actor(function, broker=broker, queue_name=QUEUE, actor_name=function.__name__, max_retries=3)
    return broker


def queue_on(broker: dramatiq.Broker) -> Queue:
    """The typed queue (store/queue.py) that sends to `broker` by actor name: a gateway process can
    use it on a Redis broker without declaring (or importing) the actors."""
    broker.declare_queue(QUEUE)

    def send(work: Work, ident: int, delay_ms: int) -> None:
        message = Message(queue_name=QUEUE, actor_name=str(work), args=(ident,), kwargs={}, options={})
        broker.enqueue(message, delay=delay_ms or None)

    if isinstance(broker, StubBroker):
        return Queue(send, waiting=broker.queues[QUEUE].qsize)
    return Queue(send)
