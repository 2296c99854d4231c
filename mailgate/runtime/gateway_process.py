"""One gateway process of `mailgate serve` with MAILGATE_GATEWAY_PROCESSES > 1.

`mailgate serve` starts each with a fresh interpreter (``python -m
mailgate.runtime.gateway_process``), not a fork, so that it holds only the gateway:
aiosmtpd, the route table and a DBAPI connection, about a third of the memory
of a process that has loaded the ORM and the actors (docs/performance.md).

serve writes one line of JSON on its stdin (the GatewayConfig, the log levels and the
number of the inherited IngestActivity memfd) and keeps the pipe open. End of file on
stdin means serve has gone: the gateway then stops as on SIGTERM, finishing the
transactions in progress, so no gateway outlives its serve.
"""
from __future__ import annotations

import signal

# Ctrl-C in serve's terminal reaches this process too, possibly while it is still importing
# (a KeyboardInterrupt traceback on the newcomer's screen). serve gets the same SIGINT and stops
# its gateways itself, by closing their stdin; until `run` installs its handlers, ignore it.
signal.signal(signal.SIGINT, signal.SIG_IGN)

import asyncio
import json
import logging
import os
import sys

from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.gateway.server import Gateway, listening_socket
from mailgate.runtime.log_setup import FORMAT, apply
from store.queue import Queue

log = logging.getLogger("mailgate.gateway.server")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format=FORMAT, stream=sys.stderr)
    line = sys.stdin.buffer.readline()
    if not line:  # serve stopped before it could hand over the settings
        return 0
    handover = json.loads(line)
    apply(handover["log_levels"])
    config = GatewayConfig.from_dict(handover["config"])
    asyncio.run(run(config, IngestActivity(handover["activity_fd"])))
    return 0


async def run(config: GatewayConfig, activity: IngestActivity) -> None:
    sockets = {"smtp": listening_socket(config.smtp, "MAILGATE_SMTP", reuse_port=True)}
    if config.lmtp:
        sockets["lmtp"] = listening_socket(config.lmtp, "MAILGATE_LMTP", reuse_port=True)
    if config.policy:
        sockets["policy"] = listening_socket(config.policy, "MAILGATE_POLICY", reuse_port=True)
    gateway = Gateway(config, enqueuer(config), activity)
    await gateway.start(sockets)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    loop.add_reader(sys.stdin.fileno(), _stop_at_end_of_file, stop)
    await stop.wait()
    loop.remove_reader(sys.stdin.fileno())
    await gateway.drain()


def _stop_at_end_of_file(stop: asyncio.Event) -> None:
    if not os.read(sys.stdin.fileno(), 4096):
        log.warning("gateway %d: mailgate serve has gone; stopping", os.getpid())
        stop.set()


def enqueuer(config: GatewayConfig) -> Queue | None:
    """Straight to Redis when there is a shared broker; with the in-process one there is
    nothing to enqueue here: serve picks the new rows up from the store (mailgate/runtime/service.py)."""
    if not config.broker_url:
        return None
    from processors.broker import queue_on, redis_broker

    return queue_on(redis_broker(config.broker_url, config.broker_namespace))


if __name__ == "__main__":
    sys.exit(main())
