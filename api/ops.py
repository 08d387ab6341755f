"""Health and metrics for operators and load balancers."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from api.deps import Ctx


@get("/health/live", operation_id="healthLive", summary="The process answers", tags=["operations"])
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get("/health/ready", operation_id="healthReady", summary="PostgreSQL and Redis answer", tags=["operations"])
async def ready(ctx: Ctx) -> Response[dict[str, Any]]:
    checks: dict[str, str] = {}
    try:
        async with ctx.pool.acquire(timeout=2) as conn:
            await conn.fetchval("SELECT 1")
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"down: {type(exc).__name__}"
    try:
        await ctx.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return Response(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status_code=200 if healthy else 503
    )
