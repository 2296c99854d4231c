"""Ctrl-C on `make run` (issue 11): the terminal sends SIGINT to every process of `mailgate serve`'s
group, gateway processes included. One that had not yet set up its handlers printed a
KeyboardInterrupt traceback; serve itself stops its gateways by closing their stdin, so they
need not act on the terminal's SIGINT at all."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from tests.spine.test_gateway_processes import wait_for


def test_ctrl_c_leaves_a_starting_gateway_process_to_serve(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "mailgate.runtime.gateway_process"], stdin=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        # Still starting: blocked reading the settings serve hands over on its stdin.
        wait_for(lambda: Path(f"/proc/{process.pid}/wchan").read_text().endswith(("pipe_read", "pipe_wait")),
                 what="the gateway process waiting for its settings")
        process.send_signal(signal.SIGINT)
        process.stdin.close()  # serve, stopping, closes the pipe
        assert process.wait(timeout=60) == 0
        assert b"Traceback" not in process.stderr.read()
    finally:
        process.kill()
        process.wait()


def test_ctrl_c_lets_the_migration_serve_started_finish(tmp_path):
    """serve migrates in a short-lived child process (store/migrate.py); Ctrl-C in the first seconds of
    `make run` killed it, and serve reported a store that cannot be migrated. serve stops by its own
    SIGINT handler once the migration is done."""
    url = f"sqlite:///{tmp_path / 'mailgate.db'}"
    process = subprocess.Popen([sys.executable, "-m", "store.migrate"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: Path(f"/proc/{process.pid}/wchan").read_text().endswith(("pipe_read", "pipe_wait")),
                 what="the migration waiting for its URL")
        process.send_signal(signal.SIGINT)
        process.stdin.write(url.encode())
        process.stdin.close()
        assert process.wait(timeout=120) == 0, process.stderr.read()
    finally:
        process.kill()
        process.wait()
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert sa.inspect(connection).has_table("alembic_version")
    engine.dispose()
