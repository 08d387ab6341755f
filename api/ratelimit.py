"""Rate limits of the dossier side's public routes (core.ratelimit keeps the counters)."""

from __future__ import annotations

from typing import Any

from litestar import Request

from api.context import AppContext


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def limit(ctx: AppContext, area: str, who: str, per_minute: int) -> None:
    await ctx.limiter.hit(area, who, per_minute)
