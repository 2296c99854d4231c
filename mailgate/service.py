"""`mailgate serve` and `mailgate worker`: one process (or a few) running gateway, actors and timers.

SIGTERM/SIGINT: stop listening, let in-flight SMTP transactions finish (up to
30 s), then stop the workers after their current message.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa

from mailgate.addresses import AddressBook
from mailgate.gateway import GatewayHandler, address_of, listening_socket, start_servers
from mailgate.ingest_first import IngestActivity
from mailgate.recipients import RecipientChecker
from mailgate.settings import Settings
from mailgate.store_writer import StoreWriter
from store.db import make_engine
from store.models import InboundMessage, InboundState, utcnow

# The processors (jinja2, flanker, understanding, the actors), dramatiq and alembic are
# imported only inside the functions that need them, after the gateway children are
# forked: a child's memory is then the gateway's alone (see docs/performance.md).

log = logging.getLogger(__name__)
DRAIN_SECONDS = 30
# Old enough for the start-up sweep to take a reclaimed message at once.
RECLAIMED_AGE = timedelta(minutes=1)
_POLL_SECONDS = 0.5
SWITCH_INTERVAL = 0.0005
# The actors run at a lower CPU priority than the gateways (besides waiting for quiet,
# mailgate/ingest_first.py), so the 250s of a burst get the CPU first.
WORKER_NICENESS = 10


@dataclass
class GatewayContext:
    """What a gateway needs; a processors Context has all of it, a gateway child only this."""

    settings: Settings
    engine: sa.Engine
    addresses: AddressBook
    enqueue: Callable[..., None]


def open_sockets(settings: Settings, *, listen: bool = True) -> dict[str, socket.socket]:
    reuse = settings.gateway_processes > 1
    sockets = {"smtp": listening_socket(settings.smtp, "MAILGATE_SMTP", reuse, listen)}
    if settings.lmtp:
        sockets["lmtp"] = listening_socket(settings.lmtp, "MAILGATE_LMTP", reuse, listen)
    return sockets


def start_workers(context, niceness: int = 0):
    """Start the actors' threads, `niceness` steps below this thread's CPU priority.

    On Linux a nice value belongs to a thread and is inherited by the threads it
    starts, so the worker threads are started from a helper thread that lowers its
    own priority first; the gateway's threads in this process keep theirs.
    """
    import dramatiq

    from processors.broker import install_broker

    broker = install_broker(context)
    worker = dramatiq.Worker(broker, worker_threads=context.settings.worker_threads, worker_timeout=200)
    if not niceness:
        worker.start()
        return worker
    failure: list[BaseException] = []

    def start_niced() -> None:
        try:
            os.nice(niceness)
        except OSError as exc:  # not fatal: only the priority is lost
            log.warning("could not lower the workers' CPU priority: %s", exc)
        try:
            worker.start()
        except BaseException as exc:
            failure.append(exc)

    starter = threading.Thread(target=start_niced, name="start-workers")
    starter.start()
    starter.join()
    if failure:
        raise failure[0]
    return worker


def serve(settings: Settings, *, ready: threading.Event | None = None) -> None:
    several = settings.gateway_processes > 1
    # With several gateways this process only reserves the ports (and resolves port 0);
    # each gateway listens on its own SO_REUSEPORT socket so that the kernel spreads
    # connections over them. (One shared socket would not: asyncio accepts up to 100
    # connections per wake-up, so one process would take a whole burst.)
    sockets = open_sockets(settings, listen=not several)
    children: list[int] = []
    activity = IngestActivity()  # shared with the gateway children: made before they are forked
    go_read, go_write = os.pipe() if several else (-1, -1)
    try:
        if several:
            # Each gateway gets a process of its own and this one keeps the actors: their
            # CPU-bound parsing would otherwise hold the GIL while SMTP clients wait for a
            # 250. Forked before the migrations and the processors are imported, so that a
            # child holds only the gateway; it waits for the store to be migrated.
            children = [_fork_gateway(settings, sockets, go_read, go_write, activity)
                        for _ in range(settings.gateway_processes)]
            os.close(go_read)
        from store.migrate import upgrade

        upgrade(settings.sqlalchemy_url)
        if not settings.broker_url:
            _reclaim_interrupted(settings)
        if several:
            os.write(go_write, b"g" * len(children))
            os.close(go_write)
            go_write = -1
            os.nice(WORKER_NICENESS)  # this process only runs actors and timers now
        from processors.context import build_context, configure

        context = configure(build_context(settings))
        context.before_work = activity.wait_for_quiet
        worker = start_workers(context, niceness=0 if several else WORKER_NICENESS)
        try:
            asyncio.run(_serve_forever(context, sockets, ready, gateway_here=not several, activity=activity))
        finally:
            worker.stop(timeout=30_000)
            context.engine.dispose()
    finally:
        if go_write >= 0:
            os.close(go_write)  # the children read end-of-file and leave
        for pid in children:
            _stop_child(pid)


def _reclaim_interrupted(settings: Settings) -> None:
    """With the in-process broker no other process runs actors, so a message still
    `processing` at start-up was cut off by a crash: put it back in line now rather
    than after the sweeper's lease of several minutes (its attempt stays counted,
    so a message that crashes the process each time is still set aside)."""
    engine = make_engine(settings.sqlalchemy_url, pool_size=1)
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(InboundMessage).where(InboundMessage.state == InboundState.PROCESSING)
                               .values(state=InboundState.RECEIVED, updated_at=utcnow() - RECLAIMED_AGE,
                                       last_error="interrupted: mailgate stopped while processing it"))
    finally:
        engine.dispose()


def run_worker(settings: Settings) -> None:
    """Actors only (scale-out with a Redis broker); stops on SIGTERM."""
    from processors.context import build_context, configure

    context = configure(build_context(settings))
    worker = start_workers(context)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    worker.stop(timeout=30_000)


class Gateway:
    """SMTP/LMTP servers with their store writer, in one event loop."""

    def __init__(self, context: GatewayContext, activity: IngestActivity | None = None):
        # context: or a processors Context, which has the same fields
        self.context = context
        self.activity = activity
        # Its own engine: the commits that a 250 stands on are fsynced (durable_commits).
        self.writer = StoreWriter(make_engine(context.settings.sqlalchemy_url, durable_commits=True),
                                  after_commit=self._enqueue)
        self.handler = GatewayHandler(RecipientChecker(context.addresses, context.engine), self.writer)
        self.servers: list = []

    def _enqueue(self, ids) -> None:
        if self.activity is not None:
            self.activity.touch()
        for inbound_id in ids:
            self.context.enqueue("process_inbound", inbound_id)

    async def start(self, sockets) -> None:
        # The store writer's thread needs the GIL back as soon as its commit returns,
        # not after the default 5 ms slice of the event loop: that wait is the 250's.
        sys.setswitchinterval(SWITCH_INTERVAL)
        self.writer.start()
        self.servers = await start_servers(self.context.settings, self.handler, sockets)

    async def drain(self) -> None:
        """Stop listening; let transactions in progress finish (bounded)."""
        for server in self.servers:
            server.close()
        deadline = time.monotonic() + DRAIN_SECONDS
        while (self.handler.in_flight or _open_sessions()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await self.writer.stop()
        log.info("store writer %d: %d messages in %d commits", os.getpid(), self.writer.messages, self.writer.batches)


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _serve_forever(context, sockets, ready, gateway_here: bool, activity: IngestActivity) -> None:
    gateway = Gateway(context, activity) if gateway_here else None
    if gateway:
        await gateway.start(sockets)
    stop = _stop_event()
    loop = asyncio.get_running_loop()
    from processors.periodic import run_periodic_jobs

    await asyncio.to_thread(run_periodic_jobs, context)  # the start-up sweep: finish what a crash left
    timers = [loop.create_task(_every(context.settings.sweep_interval, lambda: run_periodic_jobs(context), stop))]
    if not gateway_here and not context.settings.broker_url:
        timers.append(loop.create_task(_every(_POLL_SECONDS, _NewInboundPoller(context), stop)))
    log.info("mailgate listening on %s%s", ", ".join(f"{k} {v.getsockname()}" for k, v in sockets.items()),
             "" if gateway_here else f" in {context.settings.gateway_processes} gateway processes")
    if ready is not None:
        ready.set()
    await stop.wait()
    if gateway:
        await gateway.drain()
    for timer in timers:
        timer.cancel()


def _open_sessions() -> int:
    return sum(1 for task in asyncio.all_tasks() if task.get_coro().__qualname__.startswith("SMTP._handle_client"))


async def _every(seconds: float, job, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            await asyncio.to_thread(job)


class _NewInboundPoller:
    """With several gateway processes and the in-process broker, the children cannot
    reach this process's queue: pick up what they stored from the store itself."""

    def __init__(self, context):
        self.context = context
        with context.engine.connect() as connection:
            self.last_id = connection.execute(sa.select(sa.func.coalesce(sa.func.max(InboundMessage.id), 0))).scalar()

    def __call__(self) -> None:
        with self.context.engine.connect() as connection:
            ids = connection.execute(sa.select(InboundMessage.id).where(
                InboundMessage.id > self.last_id, InboundMessage.state == InboundState.RECEIVED)
                .order_by(InboundMessage.id)).scalars().all()
        for inbound_id in ids:
            self.context.enqueue("process_inbound", inbound_id)
            self.last_id = max(self.last_id, inbound_id)


def _fork_gateway(settings: Settings, sockets, go_read: int, go_write: int, activity: IngestActivity) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        os.close(go_write)
        if os.read(go_read, 1) != b"g":  # the parent could not migrate the store, or stopped
            os._exit(0)
        os.close(go_read)
        reserved, sockets = sockets, {name: listening_socket(address_of(sock), f"MAILGATE_{name.upper()}", True)
                                      for name, sock in sockets.items()}
        for sock in reserved.values():
            sock.close()
        asyncio.run(_gateway_only(gateway_context(settings), sockets, activity))
    except BaseException:
        log.exception("gateway child failed")
        code = 1
    os._exit(code)


def gateway_context(settings: Settings) -> GatewayContext:
    """A gateway child's context: RCPT's reads, and enqueueing straight to Redis (with the
    in-process broker the parent picks new rows up from the store instead)."""
    enqueue: Callable[..., None] = lambda actor_name, *args, delay_ms=0: None
    if settings.broker_url:
        enqueue = _redis_enqueue(settings.broker_url, settings.broker_namespace)
    return GatewayContext(settings, make_engine(settings.sqlalchemy_url, durable_commits=False),
                          AddressBook(settings.secret_bytes, settings.domain), enqueue)


def _redis_enqueue(url: str, namespace: str) -> Callable[..., None]:
    """Enqueue by actor name: the actors (and all they import) need not be declared here."""
    from dramatiq.message import Message

    from processors.broker import QUEUE, redis_broker

    broker = redis_broker(url, namespace)
    broker.declare_queue(QUEUE)

    def enqueue(actor_name: str, *args, delay_ms: int = 0) -> None:
        broker.enqueue(Message(queue_name=QUEUE, actor_name=actor_name, args=args, kwargs={}, options={}),
                       delay=delay_ms or None)

    return enqueue


async def _gateway_only(context: GatewayContext, sockets, activity: IngestActivity) -> None:
    gateway = Gateway(context, activity)
    await gateway.start(sockets)
    await _stop_event().wait()
    await gateway.drain()


def _stop_child(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


