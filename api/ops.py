"""Health and metrics for operators and load balancers."""

from __future__ import annotations

from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.plugins.prometheus import PrometheusController
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from core.guards import operator_token, public
from core.openapi import problems
from core.readiness import Readiness, readiness


@get("/health/live", guards=[public], operation_id="healthLive", summary="The process answers", tags=["operations"])
async def live() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/health/ready",
    guards=[public],
    operation_id="healthReady",
    summary="PostgreSQL and Redis answer",
    tags=["operations"],
    responses={503: ResponseSpec(Readiness, description="PostgreSQL or Redis is down")},
)
async def ready(ctx: Ctx) -> Response[Readiness]:
    answer = await readiness(ctx.pool, ctx.redis)
    return Response(answer, status_code=200 if answer.ok else 503)


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
