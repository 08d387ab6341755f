"""Fixed-window rate limits in Redis, shared by every API worker."""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.context import AppContext
from core.errors import RateLimitedError
from core.redis import key


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def limit(ctx: AppContext, area: str, who: str, per_minute: int) -> None:
    if not ctx.settings.rate_limits:
        return
    window = int(ctx.clock.now().timestamp()) // 60
    name = key("rl", area, who, str(window))
    async with ctx.redis.pipeline(transaction=True) as pipe:
        pipe.incr(name)
        pipe.expire(name, 61)
        count, _ = await pipe.execute()
    if int(count) > per_minute:
        raise RateLimitedError(60 - int(ctx.clock.now().timestamp()) % 60)
