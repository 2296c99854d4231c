"""The gateway processes of a serve with MAILGATE_GATEWAY_PROCESSES > 1, and how their mail
reaches the actors when there is no shared broker."""
from __future__ import annotations

import json
import logging
import subprocess
import sys

import sqlalchemy as sa

from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.gateway.server import DRAIN_SECONDS
from store.models import InboundMessage
from store.queue import Queue
from store.states import InboundState

log = logging.getLogger(__name__)


class GatewayProcesses:
    """The gateway processes (mailgate/runtime/gateway_process.py) of a serve with several of them.

    Each is a fresh interpreter, handed its settings on stdin; one that crashes is
    started again. One that exits cleanly was told to stop (SIGTERM, or its serve
    went away) and is left alone.
    """

    def __init__(self, config: GatewayConfig, activity: IngestActivity, count: int, log_levels: dict[str, str]):
        self.config, self.activity, self.count, self.log_levels = config, activity, count, log_levels
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        self.processes = [self._spawn() for _ in range(self.count)]

    def _spawn(self) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "mailgate.runtime.gateway_process"], stdin=subprocess.PIPE,
                                   pass_fds=(self.activity.fd,))
        handover = {"config": self.config.to_dict(), "activity_fd": self.activity.fd, "log_levels": self.log_levels}
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


class NewInboundPoller:
    """With several gateway processes and the in-process broker, the gateways cannot
    reach this process's queue: pick up what they stored from the store itself.

    At most AHEAD messages wait in the queue: the rest of a burst waits in the store,
    which is where it is safe anyway, so the burst's size costs this process no memory.
    """

    AHEAD = 500

    def __init__(self, engine: sa.Engine, queue: Queue):
        self.engine, self.queue = engine, queue
        with engine.connect() as connection:
            self.last_id = connection.execute(sa.select(sa.func.coalesce(sa.func.max(InboundMessage.id), 0))).scalar()

    def __call__(self) -> None:
        room = self.AHEAD - self.queue.waiting()
        if room <= 0:
            return
        with self.engine.connect() as connection:
            ids = connection.execute(sa.select(InboundMessage.id).where(
                InboundMessage.id > self.last_id, InboundMessage.state == InboundState.RECEIVED)
                .order_by(InboundMessage.id).limit(room)).scalars().all()
        for inbound_id in ids:
            self.queue.process_inbound(inbound_id)
            self.last_id = max(self.last_id, inbound_id)
