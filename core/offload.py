"""CPU-bound work a request asks for, kept off the event loop when it can take long.

A worker thread still needs the GIL, but the interpreter hands it back to the event loop every few
milliseconds, so /health/live and every other request go on being answered while the work runs;
at most `THREADS` such jobs run at once, so a flood of them cannot starve the loop of its turns."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

THREADS = 2
INLINE_CHARS = 32  # a text this short is searched faster here than a thread hop costs (~0.1 ms)

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
