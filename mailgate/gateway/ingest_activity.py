"""Ingest first: actors hold back for a moment while a gateway is acknowledging mail.

Mail servers put receiving first: a sender waiting for its 250 matters more than
a notification going out a second later. After every commit the gateways stamp
the time into memory shared with the actors' process (a memfd that the gateway
processes are handed); an actor about to start waits until the gateways have
been quiet for QUIET seconds, but never longer than AT_MOST, so processing slows
down during a burst and can never starve. The queue absorbs the burst.
"""
from __future__ import annotations

import mmap
import os
import struct
import time

QUIET = 0.02
AT_MOST = 1.0
_STAMP = struct.Struct("d")  # CLOCK_MONOTONIC is the same clock in every process


class IngestActivity:
    """`IngestActivity()` makes the shared stamp; `IngestActivity(fd)` attaches to the one
    whose file descriptor `fd` was inherited. A torn read (never seen: one aligned
    8-byte store) could only make an actor wait a little, at most AT_MOST."""

    def __init__(self, fd: int | None = None) -> None:
        if fd is None:
            fd = os.memfd_create("mailgate-ingest-activity")  # handed to the gateways (pass_fds)
            os.ftruncate(fd, _STAMP.size)
        self.fd = fd
        self._memory = mmap.mmap(fd, _STAMP.size)  # MAP_SHARED: every process sees every stamp

    @property
    def last_commit(self) -> float:
        stamp: float = _STAMP.unpack_from(self._memory)[0]
        return stamp

    def touch(self) -> None:
        _STAMP.pack_into(self._memory, 0, time.monotonic())

    def wait_for_quiet(self, quiet: float = QUIET, at_most: float = AT_MOST) -> float:
        """Seconds waited."""
        start = time.monotonic()
        while (now := time.monotonic()) - self.last_commit < quiet and now - start < at_most:
            time.sleep(quiet / 2)
        return time.monotonic() - start
