"""Fixed-window rate limits in Redis, shared by every API worker and every package."""

from __future__ import annotations

from typing import Any

from litestar import Request
from redis.asyncio import Redis

from core.clock import Clock
from core.errors import RateLimitedError
from core.redis import key


def client_address(request: Request[Any, Any, Any]) -> str:
    """The address a request came from, as public routes are limited by; "unknown" when the server was not told."""
    return request.client.host if request.client else "unknown"


class RateLimiter:
    def __init__(self, redis: Redis, clock: Clock, *, enabled: bool = True) -> None:
        self._redis = redis
        self._clock = clock
        self._enabled = enabled

    async def hit(self, area: str, who: str, per_minute: int) -> None:
        """Counts one request of `who` in `area`; past `per_minute` in this minute, 429 with Retry-After."""
        if not self._enabled:
            return
        now = int(self._clock.now().timestamp())
        name = key("rl", area, who, str(now // 60))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, 61)
            count, _ = await pipe.execute()
        if int(count) > per_minute:
            raise RateLimitedError(60 - now % 60)
