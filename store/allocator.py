"""glibc's allocator, told to hand large blocks back to the system (elsewhere than glibc: nothing).

glibc serves a block of 128 KB or more with its own mmap and unmaps it when it is freed; but
once such a block is freed it raises that threshold to the block's size (up to 32 MB), so the
next large message's buffers come from the heap, which keeps them. A gateway process stayed
about 50 MB larger for good after storing a 24 MB message (SQLite builds the row in memory:
mailgate/gateway/dbapi_store.py), and the actors likewise after parsing one.
`return_large_blocks` fixes the threshold, which turns that adjustment off; `trim` gives back
what the heap holds free (docs/performance.md, "Large DATA").
"""
from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from typing import Any

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK_BYTES = 1024 * 1024  # a block this large has pages of its own, returned when it is freed


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    # Not glibc (musl, macOS): neither function, nothing to tune.
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def return_large_blocks() -> None:
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES)


def trim() -> None:
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
