"""Housekeeping that runs beside the outbox dispatcher (expiring payments, ...)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from core.db import unavailable

log = logging.getLogger("motcua.periodic")


async def every(seconds: float, stop: asyncio.Event, job: Callable[[], Awaitable[int]], name: str) -> None:
    """Run `job` now and then every `seconds` until `stop`; a failing run is logged, not fatal."""
    while not stop.is_set():
        try:
            done = await job()
            if done:
                log.info("%s: %d", name, done)
        except Exception as exc:
            if unavailable(exc):  # expected while it restarts
                log.warning("%s failed, the database is unavailable (%r); next run in %ss", name, exc, seconds)
            else:
                log.exception("%s failed; next run in %ss", name, seconds)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=seconds)
