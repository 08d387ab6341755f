"""Indicators of one office, or of every office of a level."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import asyncpg

from api.agencies.service import OfficeDirectory
from api.catalog.models import Level
from api.dossiers.receipts import vn_day_bounds
from api.dossiers.views import OnTimeStats
from api.stats import queries
from api.stats.models import Indicators, ratio
from core.auth import Principal, Role
from core.clock import VN_TZ
from core.errors import ForbiddenError, ValidationError


def _offices(directory: OfficeDirectory, caller: Principal, agency: str | None, level: Level | None) -> list[str]:
    """The office asked for (its officers and admins), or every office of `level` (admins only)."""
    if agency is None:
        if level is None:
            raise ValidationError([("agency", "required", {})])
        if caller.role is not Role.ADMIN:
            raise ForbiddenError()
        return [o.code for o in directory.by_code.values() if o.level is level]
    if not caller.serves(agency):
        raise ForbiddenError()
    office = directory.get(agency)
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


def period_bounds(start: date, end: date) -> tuple[datetime, datetime, datetime, datetime, date, date]:
    """The instants of the days [start, end] in Vietnam, those of its whole months (the period's end
    twice when there is none) and their first days: what a read of the rollup takes."""
    low, high = vn_day_bounds(start, end)
    first, stop = whole_months(start, end)
    if first == stop:
        return low, high, high, high, first, first
    span_low, span_high = vn_day_bounds(first, stop - timedelta(days=1))
    return low, high, span_low, span_high, first, stop


def rolled_up_params(
    offices: list[str], start: date, end: date, now: datetime, today: date
) -> tuple[list[str], datetime, datetime, datetime, date, datetime, datetime, date, date]:
    """The parameters of INDICATORS_ROLLED_UP for the days [start, end] in Vietnam."""
    low, high, span_low, span_high, first, stop = period_bounds(start, end)
    return offices, low, high, now, today, span_low, span_high, first, stop


async def on_time(conn: asyncpg.Connection, agency: str, start: date, end: date, today: date) -> OnTimeStats:
    """On-time resolution of one office over the days [start, end] in Vietnam: ON_TIME_STATS (the
    definition, over the real tables) answered from the rollup plus what it does not hold."""
    low, high, span_low, span_high, first, stop = period_bounds(start, end)
    row = await conn.fetchrow(queries.ON_TIME_ROLLED_UP, agency, low, high, today, span_low, span_high, first, stop)
    assert row is not None
    resolved_dated = row["early"] + row["on_time"] + row["late"]
    return OnTimeStats(
        agency=agency,
        from_=start,
        to=end,
        received=row["received"],
        resolved=row["resolved"],
        early=row["early"],
        on_time=row["on_time"],
        late=row["late"],
        on_time_rate=round((row["early"] + row["on_time"]) / resolved_dated, 4) if resolved_dated else None,
        pending_overdue=row["pending_overdue"],
    )


async def indicators(
    conn: asyncpg.Connection,
    directory: OfficeDirectory,
    caller: Principal,
    *,
    agency: str | None,
    level: Level | None,
    start: date | None,
    end: date | None,
    now: datetime,
) -> Indicators:
    offices = _offices(directory, caller, agency, level)
    today = now.astimezone(VN_TZ).date()
    start = start or date(today.year, 1, 1)
    end = end or today
    if end < start:
        raise ValidationError([("to", "invalid", {})])
    row = await conn.fetchrow(queries.INDICATORS_ROLLED_UP, *rolled_up_params(offices, start, end, now, today))
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
