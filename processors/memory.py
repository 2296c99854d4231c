"""Give the memory of a large message back to the system once it has been processed.

CPython frees the objects, but glibc's allocator keeps the freed pages in its arenas, so a
worker that parsed a 24 MB message stayed hundreds of MB larger for good (docs/performance.md,
"Large DATA"). `malloc_trim(0)` returns what it can (store/allocator.py); elsewhere than glibc
this only collects.
"""
from __future__ import annotations

import gc

from store.allocator import trim


def give_memory_back() -> None:
    gc.collect()
    trim()
