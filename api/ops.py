"""Health and metrics for operators and load balancers."""

from __future__ import annotations

import asyncio

import msgspec
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.prometheus import PrometheusController
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from core.guards import operator_token, public
from core.openapi import problems

CHECK_SECONDS = 2.0


@get("/health/live", guards=[public], operation_id="healthLive", summary="The process answers", tags=["operations"])
async def live() -> dict[str, str]:
    return {"status": "ok"}


class Readiness(msgspec.Struct, frozen=True):
    status: str  # ok | unavailable
    checks: dict[str, str]  # postgres, redis: "ok" or "down: <error>"


@get(
    "/health/ready",
    guards=[public],
    operation_id="healthReady",
    summary="PostgreSQL and Redis answer",
    tags=["operations"],
    responses={503: ResponseSpec(Readiness, description="PostgreSQL or Redis is down")},
)
async def ready(ctx: Ctx) -> Response[Readiness]:
    checks: dict[str, str] = {}
    try:
        # a server that stopped answering must not hold the check: a load balancer's probe has a timeout
        async with ctx.pool.acquire(timeout=CHECK_SECONDS) as conn:
            await conn.fetchval("SELECT 1", timeout=CHECK_SECONDS)
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"down: {type(exc).__name__}"
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await ctx.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return Response(Readiness("ok" if healthy else "unavailable", checks), status_code=200 if healthy else 503)


class MetricsController(PrometheusController):
    tags = ["operations"]
    guards = [operator_token]

    @get(
        operation_id="metrics",
        summary="Prometheus metrics of this process, for `Authorization: Bearer <MOTCUA_METRICS_TOKEN>` only",
        media_type="text/plain",
        responses=problems(404),
    )
    async def get(self) -> Response[bytes]:
        response: Response[bytes] = await PrometheusController.get.fn(self)
        return response


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [live, ready, MetricsController]
