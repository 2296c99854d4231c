"""serve's side of the archive builder (mailgate/runtime/archive_builder.py): start it, restart it, stop it.

The builder dying (a bug, the OOM killer, an operator's kill) must never take serve down: serve
logs it once and starts another; one that keeps dying at once is started again after a growing
pause (at most RESTART_PAUSE_MAX), so a broken builder costs one log line a few minutes, not a loop.
"""
from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

from mailgate.gateway.ingest_activity import IngestActivity
from mailgate.runtime.archive_builder import handover
from web_archive.config import ArchiveConfig

log = logging.getLogger(__name__)
QUICK_DEATH = 10.0          # seconds: a builder that dies sooner is probably broken, not unlucky
RESTART_PAUSE_MAX = 300.0


class ArchiveKeeper:
    def __init__(self, config: ArchiveConfig, outdir: Path, activity: IngestActivity | None,
                 log_levels: dict[str, str]):
        self.config, self.outdir, self.activity, self.log_levels = config, outdir, activity, log_levels
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.quick_deaths = 0
        self.restart_at: float | None = None

    def start(self) -> ArchiveKeeper:
        fds = (self.activity.fd,) if self.activity is not None else ()
        self.process = subprocess.Popen([sys.executable, "-m", "mailgate.runtime.archive_builder"],
                                        stdin=subprocess.PIPE, pass_fds=fds)
        assert self.process.stdin is not None
        self.process.stdin.write(handover(self.config, self.outdir, fds[0] if fds else None, self.log_levels))
        self.process.stdin.flush()  # and kept open: its end of file tells the builder that serve has gone
        self.started_at = time.monotonic()
        self.restart_at = None
        return self

    def watch(self) -> None:
        """Called every few seconds by serve: start another builder if this one died."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
            return
        process = self.process
        if process is None or process.poll() is None:
            return
        self._close(process)
        self.quick_deaths = self.quick_deaths + 1 if now - self.started_at < QUICK_DEATH else 0
        pause = min(2.0 ** self.quick_deaths, RESTART_PAUSE_MAX) if self.quick_deaths else 0.0
        log.error("archive builder %d exited with %s; starting another%s (the archive in %s stays as it was)",
                  process.pid, process.returncode, f" in {pause:g} s" if pause else "", self.outdir)
        self.restart_at = now + pause
        if not pause:
            self.start()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()  # builds are atomic for readers; a cut one is redone by the next builder
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._close(process)

    @staticmethod
    def _close(process: subprocess.Popen) -> None:
        if process.stdin is not None and not process.stdin.closed:
            try:
                process.stdin.close()
            except OSError:  # the builder is gone: nothing to tell it
                pass
