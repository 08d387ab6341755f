"""Every server and worker process holds the catalog in memory; this keeps each copy current.

A change is announced on a Redis channel once committed, and each process reloads on the message. Pub/sub
delivers at most once (a process reconnecting misses what was said meanwhile), so each process also
compares its copy's revision with the database's every `check_seconds`; and it rebuilds what depends on
the day (the assistant's fees "today") when the day changes in Vietnam."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from api.catalog.service import current_revision, load_catalog
from api.context import AppContext
from core.clock import today_in_vn
from core.db import acquire
from core.redis import key

log = logging.getLogger("motcua.catalog")

CHANNEL = key("catalog", "changed")

Listener = Callable[[AppContext], None]


async def reload(ctx: AppContext) -> None:
    """Read the catalog again and tell whoever built something from it (the assistant)."""
    async with acquire(ctx.pool) as conn:
        ctx.catalog = await load_catalog(conn, province=ctx.settings.province_code)
    rebuild(ctx)


def rebuild(ctx: AppContext) -> None:
    for listener in ctx.catalog_listeners:
        listener(ctx)


async def announce(ctx: AppContext) -> None:
    """After a change committed: this process reloads now, the others on the message."""
    await reload(ctx)
    try:
        await ctx.redis.publish(CHANNEL, str(ctx.catalog.revision))
    except Exception:  # the periodic check catches up where the message is lost
        log.warning("could not announce catalog revision %s", ctx.catalog.revision, exc_info=True)


async def follow(
    ctx: AppContext,
    stop: asyncio.Event,
    *,
    check_seconds: float = 30.0,
    tick_seconds: float = 1.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Until `stop`: reload on every announcement, on a revision found moved, and rebuild on a new day."""
    day = today_in_vn(ctx.clock)
    since_check = 0.0
    while not stop.is_set():
        try:
            pubsub = ctx.redis.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(CHANNEL)
        except Exception:
            log.warning("catalog announcements unavailable; checking the revision only", exc_info=True)
            pubsub = None
        try:
            while not stop.is_set():
                message = None
                if pubsub is not None:
                    message = await pubsub.get_message(timeout=tick_seconds)
                else:
                    await sleep(tick_seconds)
                since_check += tick_seconds
                stale = message is not None and message.get("type") == "message"
                if not stale and since_check >= check_seconds:
                    since_check = 0.0
                    async with acquire(ctx.pool) as conn:
                        stale = await current_revision(conn) != ctx.catalog.revision
                if stale:
                    await reload(ctx)
                    day = today_in_vn(ctx.clock)
                elif today_in_vn(ctx.clock) != day:
                    day = today_in_vn(ctx.clock)
                    rebuild(ctx)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("catalog follower failed; starting again", exc_info=True)
            with contextlib.suppress(asyncio.CancelledError):
                await sleep(tick_seconds)
        finally:
            if pubsub is not None:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
