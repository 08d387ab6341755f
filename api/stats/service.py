"""Indicators of one office, or of every office of a level."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import asyncpg

from api.catalog.models import Level
from api.context import AppContext
from api.dossiers.reads import today_in_vn
from api.dossiers.receipts import vn_day_bounds
from api.stats import queries
from api.stats.models import Indicators, ratio
from core.auth import Principal, Role
from core.errors import ForbiddenError, ValidationError


def _offices(ctx: AppContext, caller: Principal, agency: str | None, level: Level | None) -> list[str]:
    """The office asked for (its officers and admins), or every office of `level` (admins only)."""
    if agency is None:
        if level is None:
            raise ValidationError([("agency", "required", {})])
        if caller.role is not Role.ADMIN:
            raise ForbiddenError()
        return [o.code for o in ctx.offices.by_code.values() if o.level is level]
    if not caller.serves(agency):
        raise ForbiddenError()
    office = ctx.offices.get(agency)
    if office is None:
        raise ValidationError([("agency", "invalid", {})])
    if level is not None and office.level is not level:
        raise ValidationError([("level", "invalid", {})])
    return [agency]


def whole_months(start: date, end: date) -> tuple[date, date]:
    """The first days of the first whole month in [start, end] and of the month after the last one;
    the same day twice when no whole month fits."""
    first = start if start.day == 1 else _next_month(start)
    after = end + timedelta(days=1)
    stop = after.replace(day=1)
    return (first, stop) if first < stop else (first, first)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def rolled_up_params(
    offices: list[str], start: date, end: date, now: datetime, today: date
) -> tuple[list[str], datetime, datetime, datetime, date, datetime, datetime, date, date]:
    """The parameters of INDICATORS_ROLLED_UP for the days [start, end] in Vietnam."""
    low, high = vn_day_bounds(start, end)
    first, stop = whole_months(start, end)
    if first == stop:
        return offices, low, high, now, today, high, high, first, first
    span_low, span_high = vn_day_bounds(first, stop - timedelta(days=1))
    return offices, low, high, now, today, span_low, span_high, first, stop


async def indicators(
    conn: asyncpg.Connection,
    ctx: AppContext,
    caller: Principal,
    *,
    agency: str | None,
    level: Level | None,
    start: date | None,
    end: date | None,
) -> Indicators:
    offices = _offices(ctx, caller, agency, level)
    today = today_in_vn(ctx.clock)
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start:
        raise ValidationError([("to", "invalid", {})])
    row = await conn.fetchrow(
        queries.INDICATORS_ROLLED_UP, *rolled_up_params(offices, start, end, ctx.clock.now(), today)
    )
    assert row is not None
    return Indicators(
        from_=start,
        to=end,
        agency=agency,
        level=level.value if level is not None else None,
        received=row["received"],
        resolved=row["resolved"],
        on_time_rate=ratio(row["resolved_on_time"], row["resolved"]),
        online_share=ratio(row["online"], row["received"]),
        digitized_share=ratio(row["digitized"], row["received"]),
        electronic_result_share=ratio(row["electronic_results"], row["results"]),
        reception_on_time_rate=ratio(row["reception_met"], row["reception_due"]),
        satisfaction=round(row["satisfaction"], 2) if row["satisfaction"] is not None else None,
        ratings=row["ratings"],
        overdue_now=row["overdue_now"],
    )
