"""Accounts an operator disabled, known to every serving process at once.

Each process keeps the set in memory (the route guards look a token's account up in it on every
request) and listens on a Redis channel. `motcua officer disable` changes the row, then announces
it and waits until every listening process has applied it, so when the command returns the
account's tokens already answer 401 everywhere. A process that starts, or that lost its
subscription, reads the set from the database after subscribing, and again every minute, so no
announcement falls between the two."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import asyncpg
import msgspec
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.accounts import queries
from core.db import acquire
from core.redis import key

log = logging.getLogger("motcua.accounts")

CHANNEL = key("accounts", "disabled")
RESYNC_SECONDS = 60.0


class Announcement(msgspec.Struct, frozen=True):
    user_id: uuid.UUID
    disabled: bool
    ack: str  # a list each process pushes to once applied


class DisabledAccounts:
    def __init__(self) -> None:
        self.ids: set[uuid.UUID] = set()

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.ids

    async def load(self, pool: asyncpg.Pool) -> None:
        async with acquire(pool) as conn:
            self.ids = {r["id"] for r in await conn.fetch(queries.DISABLED_IDS)}

    async def listen(self, redis: Redis, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
        """Apply announcements until `stop`; subscribe again after a lost connection."""
        while not stop.is_set():
            try:
                await self._listen_once(redis, pool, stop)
            except (RedisError, OSError, asyncpg.PostgresError) as exc:
                log.warning("disabled accounts: %s; listening again in 1 s", exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)

    async def _listen_once(self, redis: Redis, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
        async with redis.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(CHANNEL)
            await self.load(pool)
            loop = asyncio.get_running_loop()
            next_sync = loop.time() + RESYNC_SECONDS
            while not stop.is_set():
                message = await pubsub.get_message(timeout=1.0)
                if message is not None:
                    await self._apply(redis, message["data"])
                if loop.time() >= next_sync:
                    await self.load(pool)
                    next_sync = loop.time() + RESYNC_SECONDS

    async def _apply(self, redis: Redis, data: bytes) -> None:
        try:
            note = msgspec.json.decode(data, type=Announcement)
        except msgspec.DecodeError:
            log.warning("disabled accounts: an announcement that is not one: %r", data[:200])
            return
        if note.disabled:
            self.ids.add(note.user_id)
        else:
            self.ids.discard(note.user_id)
        async with redis.pipeline(transaction=False) as pipe:
            pipe.rpush(note.ack, b"1")
            pipe.expire(note.ack, 60)  # the announcer may have stopped waiting
            await pipe.execute()


BLOCK_SECONDS = 1.0


async def announce(redis: Redis, user_id: uuid.UUID, *, disabled: bool, wait_seconds: float = 5.0) -> tuple[int, int]:
    """Tell every serving process; (how many listened, how many confirmed within `wait_seconds`)."""
    ack = key("accounts", "ack", uuid.uuid4().hex)
    body = msgspec.json.encode(Announcement(user_id=user_id, disabled=disabled, ack=ack))
    listening = int(await redis.publish(CHANNEL, body))
    confirmed = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while confirmed < listening and (left := deadline - loop.time()) > 0:
        # each wait stays well under the client's socket timeout (redis-py: 5 s), which would otherwise
        # end a long wait for a listener that never confirms with an error instead of a count
        if await redis.blpop([ack], timeout=min(max(left, 0.01), BLOCK_SECONDS)) is not None:
            confirmed += 1
    await redis.delete(ack)
    return listening, confirmed
