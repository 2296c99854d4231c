"""Where DATA waits while it arrives: in memory up to a threshold, then in a temporary file.

Four concurrent 24 MB messages took `serve` from 80 MB to 1.37 GB when each session kept its
content in memory, several copies over. A gateway has one `DataSpool`, shared by all its
sessions (one event loop): a message past `threshold` bytes goes on to a temporary file
(in $TMPDIR, unlinked at once, so nothing is left behind by a crash) and takes its `turn`
to be stored, straight from the file in chunks (`Spooled`): the gateway never holds it whole.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

DEFAULT_THRESHOLD = 1024 * 1024
CHUNK_BYTES = 256 * 1024  # what storing a spooled message holds of it at a time


@dataclass(frozen=True)
class DataSpool:
    """`threshold` 0: never spool, and no turns (everything in memory, as before)."""

    threshold: int = DEFAULT_THRESHOLD
    turn: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))


def spill(held: bytearray) -> BinaryIO:
    """A temporary file that starts with what was held in memory."""
    file = tempfile.TemporaryFile(prefix="mailgate-data-")  # noqa: SIM115  # the caller closes it, later
    try:
        file.write(held)
    except BaseException:
        discard(file)
        raise
    return file


def discard(file: BinaryIO) -> None:
    """Close (and so remove) a spool file. After a failed write its buffer cannot be flushed
    either: that is of no matter, and the descriptor is closed all the same."""
    try:
        file.close()
    except OSError:
        pass


class Spooled:
    """A message spooled to a temporary file, handed to the store as it is: its size, and its
    bytes in chunks, so that storing it never holds it in memory (SQLite: incremental blob I/O;
    PostgreSQL: COPY). Closing it removes the file."""

    def __init__(self, file: BinaryIO):
        file.flush()  # may fail like a write (a full disk): the caller answers 451
        self.file = file
        self.size = file.tell()  # written front to back: the end is the size

    def __len__(self) -> int:
        return self.size

    def chunks(self, size: int = CHUNK_BYTES) -> Iterator[bytes]:
        for offset in range(0, self.size, size):
            chunk = os.pread(self.file.fileno(), min(size, self.size - offset), offset)
            if not chunk:  # a regular file reads whole; anything else is a fault
                raise OSError(f"read {offset} of {self.size} spooled bytes")
            yield chunk

    def close(self) -> None:
        discard(self.file)
