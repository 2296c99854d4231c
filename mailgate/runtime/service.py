"""The one `Service`: gateway(s), actors and timers wired together, once.

`mailgate serve` runs it until SIGTERM/SIGINT; the embedded service of the tests
and the demo (mailgate/runtime/embedded.py) starts and stops the very same object.
On stop: stop listening, let in-flight SMTP transactions finish (up to 30 s), then
stop the workers after their current message.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
from datetime import timedelta

import dramatiq
import sqlalchemy as sa

from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.gateway.server import Gateway, address_of, listening_socket
from mailgate.runtime.archive_keeper import ArchiveKeeper
from mailgate.runtime.configs import archive_config, gateway_config, processors_config
from mailgate.runtime.gateway_processes import GatewayProcesses, NewInboundPoller
from mailgate.runtime.ingest_first import IngestFirst
from mailgate.runtime.log_setup import levels
from mailgate.runtime.settings import Settings
from mailgate.runtime.web_listener import WebListener
from processors.broker import make_broker, queue_on
from processors.context import Context, build_context, configure
from processors.kinds import KindRegistry, default_kinds
from store.allocator import return_large_blocks
from store.clock import Clock, install, now
from store.db import make_engine
from store.migrate import upgrade_to_head
from store.models import InboundMessage
from store.states import InboundState

log = logging.getLogger(__name__)
# Old enough for the start-up sweep to take a reclaimed message at once.
RECLAIMED_AGE = timedelta(minutes=1)
_POLL_SECONDS = 0.5
_WATCH_SECONDS = 2.0
# The actors run at a lower CPU priority than the gateways (besides waiting for quiet,
# mailgate/runtime/ingest_first.py), so the 250s of a burst get the CPU first.
WORKER_NICENESS = 10


def open_sockets(settings: Settings, *, listen: bool = True) -> dict[str, socket.socket]:
    reuse = settings.gateway_processes > 1
    sockets = {"smtp": listening_socket(settings.smtp, "MAILGATE_SMTP", reuse, listen)}
    if settings.lmtp:
        sockets["lmtp"] = listening_socket(settings.lmtp, "MAILGATE_LMTP", reuse, listen)
    if settings.policy:
        sockets["policy"] = listening_socket(settings.policy, "MAILGATE_POLICY", reuse, listen)
    return sockets


class Service:
    """`start()` returns once mail is being accepted; `stop()` drains and stops everything."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, kinds: KindRegistry | None = None,
                 niceness: int = WORKER_NICENESS):
        self.settings = settings
        self.clock = clock or Clock()
        self.kinds = kinds or default_kinds()
        self.niceness = niceness
        self.context: Context | None = None
        self.gateway: Gateway | None = None  # the one in this process, when there are no gateway processes
        self.sockets: dict[str, socket.socket] = {}
        self._worker: dramatiq.Worker | None = None
        self._gateways: GatewayProcesses | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._web: WebListener | None = None
        self._keeper: ArchiveKeeper | None = None
        self.archive_url: str | None = None  # where the HTTP listener serves the archive, once started

    def start(self) -> Service:
        settings = self.settings
        several = settings.gateway_processes > 1
        # With several gateways this process only reserves the ports (and resolves port 0);
        # each gateway listens on its own SO_REUSEPORT socket so that the kernel spreads
        # connections over them. (One shared socket would not: asyncio accepts up to 100
        # connections per wake-up, so one process would take a whole burst.)
        self.sockets = open_sockets(settings, listen=not several)
        http = _http_socket(settings.http) if settings.http else None
        if http is not None:
            self.archive_url = f"http://{address_of(http)}/"
            if not settings.site_url:  # MAILGATE_HTTP on port 0: the mails link to the port it got
                settings = self.settings = settings.model_copy(update={"site_url": self.archive_url})
        log_levels = levels(settings.log_level, settings.log_traffic)
        return_large_blocks()  # the actors' buffers for a large message go back once it is processed
        upgrade_to_head(settings.sqlalchemy_url)
        install(self.clock)  # the store's own timestamps follow the same clock
        if not settings.broker_url:
            _reclaim_interrupted(settings)
        activity = IngestActivity()
        config = processors_config(settings)
        broker = make_broker(settings.broker_url, settings.broker_namespace, (IngestFirst(activity),))
        queue = queue_on(broker)
        self.context = configure(build_context(config, queue=queue, clock=self.clock, kinds=self.kinds))
        gateway = gateway_config(settings, self.sockets, self.kinds.routes())
        if several:
            # Each gateway gets a process of its own and this one keeps the actors: their
            # CPU-bound parsing would otherwise hold the GIL while SMTP clients wait for a 250.
            self._gateways = GatewayProcesses(gateway, activity, settings.gateway_processes, log_levels)
            self._gateways.start()
        self._worker = dramatiq.Worker(broker, worker_threads=settings.worker_threads, worker_timeout=200)
        _in_a_thread_niced(self._worker.start, self.niceness)
        if settings.archive_path is not None:
            # A child process keeps it built, so the gateways and the actors never wait for a build.
            self._keeper = ArchiveKeeper(archive_config(settings), settings.archive_path, activity, log_levels).start()
        if http is not None:
            from mailgate.runtime import unsubscribe_page

            self._web = WebListener(http, settings.archive_path or settings.home / "archive",
                                    routes={unsubscribe_page.PATH: unsubscribe_page.endpoint(self.context)}).start()
        started = threading.Event()
        self.gateway = None if several else Gateway(gateway, queue, activity)
        self._thread = threading.Thread(target=asyncio.run, args=(self._run(self.gateway, started),),
                                        name="service-loop", daemon=True)
        self._thread.start()
        if not started.wait(30):
            raise RuntimeError("mailgate did not start within 30 s")
        log.info("mailgate listening on %s%s", ", ".join(f"{k} {v.getsockname()}" for k, v in self.sockets.items()),
                 f" in {settings.gateway_processes} gateway processes" if several else "")
        return self

    async def _run(self, gateway: Gateway | None, started: threading.Event) -> None:
        assert self.context is not None
        context = self.context
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if gateway is not None:
            await gateway.start(self.sockets)
        from processors.periodic import run_periodic_jobs

        await asyncio.to_thread(run_periodic_jobs, context)  # the start-up sweep: finish what a crash left
        timers = [asyncio.create_task(_every(self.settings.sweep_interval, lambda: run_periodic_jobs(context),
                                             self._stop))]
        if self._keeper is not None:
            timers.append(asyncio.create_task(_every(_WATCH_SECONDS, self._keeper.watch, self._stop)))
        if self._gateways is not None:
            timers.append(asyncio.create_task(_every(_WATCH_SECONDS, self._gateways.watch, self._stop)))
            if not self.settings.broker_url:
                poll = NewInboundPoller(context.engine, context.queue)
                timers.append(asyncio.create_task(_every(_POLL_SECONDS, poll, self._stop)))
        started.set()
        await self._stop.wait()
        for timer in timers:
            timer.cancel()
        if gateway is not None:
            await gateway.drain()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(45)
        if self._gateways is not None:
            self._gateways.stop()
        if self._keeper is not None:
            self._keeper.stop()
        if self._web is not None:
            self._web.stop()
        if self._worker is not None:
            self._worker.stop(timeout=30_000)
        if self.context is not None:
            self.context.engine.dispose()

    def run_until_signalled(self, announce=None) -> None:
        """`mailgate serve`: start, `announce(self)`, then stop on SIGTERM or SIGINT."""
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.start()
        if announce is not None:
            announce(self)
        try:
            while not stop.wait(3600):
                pass
        finally:
            self.stop()


def _http_socket(address: str) -> socket.socket:
    try:
        return listening_socket(address, "MAILGATE_HTTP", reuse_port=False, listen=False)
    except OSError as exc:  # 8000 is a popular port: say how to choose another, or none
        raise OSError(f"{exc} (choose another with MAILGATE_HTTP or serve --http HOST:PORT, "
                      "or 'off' to serve no archive)") from None


def _in_a_thread_niced(start, niceness: int) -> None:
    """Call `start` from a helper thread that first lowers its own CPU priority by `niceness`.

    On Linux a nice value belongs to a thread and is inherited by the threads it
    starts, so the actors' threads started there run niced while the gateway's
    threads in this process keep their priority.
    """
    failure: list[BaseException] = []

    def run() -> None:
        if niceness:
            try:
                os.nice(niceness)
            except OSError as exc:  # not fatal: only the priority is lost
                log.warning("could not lower the workers' CPU priority: %s", exc)
        try:
            start()
        except BaseException as exc:
            failure.append(exc)

    starter = threading.Thread(target=run, name="start-workers")
    starter.start()
    starter.join()
    if failure:
        raise failure[0]


def _reclaim_interrupted(settings: Settings) -> None:
    """With the in-process broker no other process runs actors, so a message still
    `processing` at start-up was cut off by a crash: put it back in line now rather
    than after the sweeper's lease of several minutes (its attempt stays counted,
    so a message that crashes the process each time is still set aside)."""
    engine = make_engine(settings.sqlalchemy_url, pool_size=1)
    try:
        with engine.begin() as connection:
            connection.execute(sa.update(InboundMessage).where(InboundMessage.state == InboundState.PROCESSING)
                               .values(state=InboundState.RECEIVED, updated_at=now() - RECLAIMED_AGE,
                                       last_error="interrupted: mailgate stopped while processing it"))
    finally:
        engine.dispose()


def run_worker(settings: Settings) -> None:
    """Actors only (scale-out with a Redis broker); stops on SIGTERM."""
    broker = make_broker(settings.broker_url, settings.broker_namespace)
    configure(build_context(processors_config(settings), queue=queue_on(broker)))
    worker = dramatiq.Worker(broker, worker_threads=settings.worker_threads, worker_timeout=200)
    worker.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    worker.stop(timeout=30_000)


async def _every(seconds: float, job, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            await asyncio.to_thread(job)
