"""Give the memory of a large message back to the system once it has been processed.

CPython frees the objects, but glibc's allocator keeps the freed pages in its arenas, so a
worker that parsed a 24 MB message stayed hundreds of MB larger for good (docs/performance.md,
"Large DATA"). `malloc_trim(0)` returns what it can; elsewhere than glibc this only collects.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim with
        return None


def give_memory_back() -> None:
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
