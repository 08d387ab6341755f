"""The heap a process is left with once it has started: what it freed handed back to the system,
what it keeps set aside from the cyclic garbage collector.

Starting allocates much that is dropped at once: the NLU model's arrays are unpacked (5 MB of
temporaries), the catalog's documents are decoded. glibc keeps the freed
heap for later use, so a worker's RSS would stay at its start-up peak (12 MB of it when the model was
still read from JSON, measured). What stays (the app, the catalog, the model's vocabulary: about
125,000 objects) lives as long as the process, yet a full collection walks it every time: 70–96 ms
with every request of the worker waiting, measured on a 2-core machine. `settle_heap()` once start-up
is done returns the freed memory (elsewhere than glibc it only collects) and freezes what is left
(`gc.freeze`), so later collections walk only what requests allocate."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger("motcua.memory")


def settle_heap() -> None:
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: what the collector freed stays with the allocator
        log.debug("malloc_trim unavailable", exc_info=True)
    gc.freeze()


def thaw_heap() -> None:
    """Hands what `settle_heap` froze back to the collector: an app stopped inside a process that goes
    on (the tests start hundreds) leaves its cycles collectable."""
    gc.unfreeze()
