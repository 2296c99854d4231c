"""A gateway process uses all the open files it may, and running out of them is logged once, not per accept().

Reproduced: one client held ~1,010 idle connections against the default soft limit
of 1,024 open files, and serve logged 21,896 "Too many open files" lines in 15 s.
These tests run a real gateway process (`python -m mailgate.runtime.gateway_process`,
as `mailgate serve` starts it) and read its limits from /proc and its log from stderr.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from mailgate.gateway.config import GatewayConfig
from mailgate.gateway.ingest_activity import IngestActivity
from store.migrate import upgrade
from tests.faults.wire import Wire
from tests.harness import free_port
from tests.spine.test_gateway_processes import wait_for
from tests.spine.test_serve import wait_for_port


@contextmanager
def gateway_process(tmp_path: Path, soft_open_files: int | None = None):
    """A gateway process on an ephemeral port; its stderr goes to the file it yields."""
    url = f"sqlite:///{tmp_path / 'mailgate.db'}"
    upgrade(url)
    port = free_port()
    activity = IngestActivity()
    config = GatewayConfig(database_url=url, domain="foi.test", secret="s", smtp=f"127.0.0.1:{port}")
    log = tmp_path / "gateway.log"

    def lower_the_soft_limit() -> None:  # as a distribution's default of 1,024 would be
        if soft_open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft_open_files, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    with log.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "mailgate.runtime.gateway_process"], stdin=subprocess.PIPE,
                                   stderr=stderr, pass_fds=(activity.fd,), preexec_fn=lower_the_soft_limit)
    try:
        assert process.stdin is not None
        process.stdin.write(json.dumps({"config": config.to_dict(), "activity_fd": activity.fd,
                                    "log_levels": {}}).encode() + b"\n")
        process.stdin.flush()
        wait_for_port(port)
        yield process, port, log
    finally:
        process.terminate()
        process.wait(timeout=60)
        assert process.stdin is not None
        process.stdin.close()


def open_file_limits(pid: int) -> tuple[int, int]:
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    return int(soft), int(hard)


def test_a_gateway_process_raises_its_open_file_limit_to_the_hard_limit(tmp_path):
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    with gateway_process(tmp_path, soft_open_files=64) as (process, _, log):
        assert open_file_limits(process.pid) == (hard, hard)
        lines = [line for line in log.read_text().splitlines() if "open-file limit" in line]
        assert len(lines) == 1 and f"from 64 to {hard}" in lines[0]


def test_running_out_of_open_files_is_logged_once_and_its_end_once(tmp_path):
    with gateway_process(tmp_path) as (process, port, log):
        time.sleep(0.2)  # the port probe's connection closed on the server's side too
        in_use = len(os.listdir(f"/proc/{process.pid}/fd"))
        resource.prlimit(process.pid, resource.RLIMIT_NOFILE, (in_use + 4, in_use + 4))
        # From 40 addresses: the per-client limits are not what stops them.
        clients = [Wire(port, source=f"127.0.0.{n}") for n in range(2, 42)]
        # asyncio retries a failed accept() once a second: several failures, all while
        # the connections are held.
        time.sleep(2.5)
        for client in clients:
            client.close()
        wait_for(lambda: "works again after" in log.read_text(), timeout=20, what="the end of the failures")
        fresh = Wire(port)
        assert fresh.reply()[0].startswith(b"220")  # served again
        fresh.close()
        text = log.read_text()
        assert text.count("Too many open files") == 1, text
        [ended] = [line for line in text.splitlines() if "works again after" in line]
        failures = int(ended.split("after ")[1].split()[0])
        assert failures >= 2, ended
