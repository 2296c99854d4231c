"""`mailgate serve` and `mailgate worker`: one process (or a few) running gateway, actors and timers.

SIGTERM/SIGINT: stop listening, let in-flight SMTP transactions finish (up to
30 s), then stop the workers after their current message.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import asdict
from datetime import timedelta

import sqlalchemy as sa

from mailgate.gateway.server import DRAIN_SECONDS, Gateway, GatewayConfig, address_of, listening_socket
from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.runtime.settings import Settings
from store.db import make_engine
from store.models import InboundMessage, InboundState, utcnow

log = logging.getLogger(__name__)
# Old enough for the start-up sweep to take a reclaimed message at once.
RECLAIMED_AGE = timedelta(minutes=1)
_POLL_SECONDS = 0.5
_WATCH_SECONDS = 2.0
# The actors run at a lower CPU priority than the gateways (besides waiting for quiet,
# mailgate/gateway/ingest_activity.py), so the 250s of a burst get the CPU first.
WORKER_NICENESS = 10


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
    from store.migrate import upgrade_in_a_process_of_its_own

    upgrade_in_a_process_of_its_own(settings.sqlalchemy_url)
    if not settings.broker_url:
        _reclaim_interrupted(settings)
    activity = IngestActivity()
    gateways = None
    if several:
        gateways = GatewayProcesses(gateway_config(settings, sockets), activity, settings.gateway_processes)
    try:
        if gateways:
            # Each gateway gets a process of its own and this one keeps the actors: their
            # CPU-bound parsing would otherwise hold the GIL while SMTP clients wait for a 250.
            gateways.start()
            os.nice(WORKER_NICENESS)  # this process only runs actors and timers now
        from processors.context import build_context, configure

        context = configure(build_context(settings))
        context.before_work = activity.wait_for_quiet
        worker = start_workers(context, niceness=0 if several else WORKER_NICENESS)
        try:
            asyncio.run(_serve_forever(context, sockets, ready, gateways, activity))
        finally:
            worker.stop(timeout=30_000)
            context.engine.dispose()
    finally:
        if gateways:
            gateways.stop()


def gateway_config(settings: Settings, sockets: dict[str, socket.socket]) -> GatewayConfig:
    """What a gateway needs of the settings, with the listening addresses as bound (port 0 resolved)."""
    return GatewayConfig(database_url=settings.sqlalchemy_url, domain=settings.domain,
                         secret=settings.secret.get_secret_value(), smtp=address_of(sockets["smtp"]),
                         lmtp=address_of(sockets["lmtp"]) if "lmtp" in sockets else "",
                         max_message_size=settings.max_message_size, tls_cert=settings.tls_cert,
                         tls_key=settings.tls_key, broker_url=settings.broker_url,
                         broker_namespace=settings.broker_namespace)


class GatewayProcesses:
    """The gateway processes (mailgate/runtime/gateway_process.py) of a serve with several of them.

    Each is a fresh interpreter, handed its settings on stdin; one that crashes is
    started again. One that exits cleanly was told to stop (SIGTERM, or its serve
    went away) and is left alone.
    """

    def __init__(self, config: GatewayConfig, activity: IngestActivity, count: int):
        self.config, self.activity, self.count = config, activity, count
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.count)]

    def _spawn(self) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "mailgate.runtime.gateway_process"], stdin=subprocess.PIPE,
                                   pass_fds=(self.activity.fd,))
        handover = {"config": asdict(self.config), "activity_fd": self.activity.fd}
        process.stdin.write(json.dumps(handover).encode() + b"\n")
        process.stdin.flush()  # and kept open: its end of file tells the gateway that serve has gone
        return process

    def watch(self) -> None:
        for index, process in enumerate(self.processes):
            if process.poll() not in (None, 0):
                log.error("gateway process %d exited with %s; starting another", process.pid, process.returncode)
                process.stdin.close()
                self.processes[index] = self._spawn()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # each finishes its transactions in progress, then leaves
        for process in self.processes:
            try:
                process.wait(timeout=DRAIN_SECONDS + 10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdin.close()


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


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def _serve_forever(context, sockets, ready, gateways: GatewayProcesses | None,
                         activity: IngestActivity) -> None:
    gateway = None
    if gateways is None:  # the gateway runs in this process
        gateway = Gateway(gateway_config(context.settings, sockets), context.enqueue, activity)
        await gateway.start(sockets)
    stop = _stop_event()
    loop = asyncio.get_running_loop()
    from processors.periodic import run_periodic_jobs

    await asyncio.to_thread(run_periodic_jobs, context)  # the start-up sweep: finish what a crash left
    timers = [loop.create_task(_every(context.settings.sweep_interval, lambda: run_periodic_jobs(context), stop))]
    if gateways is not None:
        timers.append(loop.create_task(_every(_WATCH_SECONDS, gateways.watch, stop)))
        if not context.settings.broker_url:
            timers.append(loop.create_task(_every(_POLL_SECONDS, _NewInboundPoller(context), stop)))
    log.info("mailgate listening on %s%s", ", ".join(f"{k} {v.getsockname()}" for k, v in sockets.items()),
             f" in {len(gateways.processes)} gateway processes" if gateways else "")
    if ready is not None:
        ready.set()
    await stop.wait()
    for timer in timers:
        timer.cancel()
    if gateway:
        await gateway.drain()


async def _every(seconds: float, job, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            await asyncio.to_thread(job)


class _NewInboundPoller:
    """With several gateway processes and the in-process broker, the gateways cannot
    reach this process's queue: pick up what they stored from the store itself.

    At most AHEAD messages wait in the queue: the rest of a burst waits in the store,
    which is where it is safe anyway, so the burst's size costs this process no memory.
    """

    AHEAD = 500

    def __init__(self, context):
        self.context = context
        with context.engine.connect() as connection:
            self.last_id = connection.execute(sa.select(sa.func.coalesce(sa.func.max(InboundMessage.id), 0))).scalar()

    def __call__(self) -> None:
        room = self.AHEAD - self.context.queued()
        if room <= 0:
            return
        with self.context.engine.connect() as connection:
            ids = connection.execute(sa.select(InboundMessage.id).where(
                InboundMessage.id > self.last_id, InboundMessage.state == InboundState.RECEIVED)
                .order_by(InboundMessage.id).limit(room)).scalars().all()
        for inbound_id in ids:
            self.context.enqueue("process_inbound", inbound_id)
            self.last_id = max(self.last_id, inbound_id)
