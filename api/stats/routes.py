"""Statistics of an office: on-time resolution, and the indicators provinces are scored on."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get
from litestar.params import FromQuery, QueryParameter
from litestar.types import ControllerRouterHandler

from api.catalog.models import Level
from api.deps import Ctx
from api.dossiers.views import OnTimeStats
from api.stats import service
from api.stats.models import Indicators
from core.clock import VN_TZ
from core.errors import DomainError, ValidationError
from core.guards import officer_only
from core.injected import Caller, Conn
from core.openapi import problems

# `?from=`, the first day of a period (`from` is a Python keyword: handlers call it `from_`)
PeriodStart = Annotated[date | None, QueryParameter(name="from")]


@get(
    "/api/v1/stats/on-time",
    guards=[officer_only],
    operation_id="getOnTimeStats",
    responses=problems(422),
    summary="Received and resolved before, on, after the appointment",
    tags=["stats"],
)
async def on_time(
    ctx: Ctx,
    conn: Conn,
    caller: Caller,
    agency: FromQuery[str],
    from_: PeriodStart = None,
    to: FromQuery[date | None] = None,
) -> OnTimeStats:
    if not caller.serves(agency):
        raise DomainError("forbidden", status=403)
    if ctx.offices.get(agency) is None:
        raise ValidationError([("agency", "invalid", {})])
    today = ctx.clock.now().astimezone(VN_TZ).date()
    start = from_ or date(today.year, 1, 1)
    end = to or today
    if end < start:
        raise ValidationError([("to", "invalid", {})])
    return await service.on_time(conn, agency, start, end, today)


@get(
    "/api/v1/stats/indicators",
    guards=[officer_only],
    operation_id="getIndicators",
    responses=problems(404, 422),
    summary="The indicators offices are scored on: on time, online, digitized, reception, satisfaction",
    tags=["stats"],
)
async def indicators(
    ctx: Ctx,
    conn: Conn,
    caller: Caller,
    agency: FromQuery[str | None] = None,
    level: FromQuery[Level | None] = None,
    from_: PeriodStart = None,
    to: FromQuery[date | None] = None,
) -> Indicators:
    return await service.indicators(
        conn, ctx.offices, caller, agency=agency, level=level, start=from_, end=to, now=ctx.clock.now()
    )


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [on_time, indicators]
