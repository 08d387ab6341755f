"""Memory a process allocated while it started and has freed since, handed back to the system.

Starting allocates much that is dropped at once: the NLU model's arrays are unpacked (5 MB of
temporaries), the catalog's documents are decoded, the OpenAPI document built. glibc keeps the freed
heap for later use, so a worker's RSS would stay at its start-up peak (12 MB of it when the model was
still read from JSON, measured). `release_freed_memory()` once start-up is done returns it
(elsewhere than glibc it only collects)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger("motcua.memory")


def release_freed_memory() -> None:
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: what the collector freed stays with the allocator
        log.debug("malloc_trim unavailable", exc_info=True)
