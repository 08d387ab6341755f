"""CPU-bound work a request asks for, kept off the event loop when it can take long.

A worker thread still needs the GIL, but the interpreter hands it back to the event loop every few
milliseconds, so /health/live and every other request go on being answered while the work runs.
One such job runs at a time (more would not run any faster under the GIL, and would share the
loop's turns among more threads); the others wait for it without holding the loop.

Measured: eight worst-case 200-character searches (65-110 ms each on a busy machine) held the loop
for 0.5-1.2 s inline; in the worker thread the loop's longest wait was 37-45 ms (60-75 ms with two
threads)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

THREADS = 1
INLINE_CHARS = 32  # a search this short takes ~2 ms, and nearly all are: no thread hop for them

# a semaphore belongs to one event loop; a process may run several in turn (tests, the CLI)
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


async def by_length(work: Callable[[str], T], text: str) -> T:
    """`work(text)`: here for a short text, in a worker thread for a longer one."""
    if len(text) <= INLINE_CHARS:
        return work(text)
    loop = asyncio.get_running_loop()
    turns = _turns.get(loop) or _turns.setdefault(loop, asyncio.Semaphore(THREADS))
    async with turns:
        return await asyncio.to_thread(work, text)
