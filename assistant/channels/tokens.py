"""The Zalo OA token pair: the configured first pair until a refresh, then the latest pair in the
database. Zalo's refresh tokens are single-use, so refreshes take a Redis lock and re-read the pair
first: a worker that lost the race uses the pair the winner stored instead of burning it again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import asyncpg
from redis.asyncio import Redis

from assistant.channels import queries
from assistant.channels.platforms import TokenPair
from core.clock import Clock
from core.db import acquire
from core.redis import key

Refresh = Callable[[str], Awaitable[TokenPair]]


class ZaloTokens:
    def __init__(
        self, pool: asyncpg.Pool, redis: Redis, clock: Clock, *, app_id: str, first: TokenPair, lock_seconds: float = 30
    ) -> None:
        self._pool = pool
        self._redis = redis
        self._clock = clock
        self._app_id = app_id
        self._first = first
        self._lock_seconds = lock_seconds

    async def current(self) -> TokenPair:
        async with acquire(self._pool) as conn:
            row = await conn.fetchrow(queries.GET_ZALO_TOKENS, self._app_id)
        if row is None:
            return self._first
        return TokenPair(access_token=row["access_token"], refresh_token=row["refresh_token"])

    async def renew(self, rejected: TokenPair, refresh: Refresh) -> TokenPair:
        """A pair to use instead of `rejected`, which Zalo refused: refreshed here, or by another
        worker while this one waited for the lock."""
        lock = self._redis.lock(
            key("zalo", "token-refresh", self._app_id), timeout=self._lock_seconds, blocking_timeout=self._lock_seconds
        )
        async with lock:
            latest = await self.current()
            if latest.access_token != rejected.access_token:
                return latest
            fresh = await refresh(latest.refresh_token)
            now = self._clock.now()
            expires_at = now + timedelta(seconds=fresh.expires_in) if fresh.expires_in else None
            async with acquire(self._pool) as conn:
                await conn.execute(
                    queries.SAVE_ZALO_TOKENS, self._app_id, fresh.access_token, fresh.refresh_token, expires_at, now
                )
            return fresh
