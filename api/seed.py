"""Seeding reference data (catalog, offices, announced calendar days) idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from api.agencies.offices import province_offices
from api.agencies.service import seed_offices
from api.catalog.service import load_catalog_data, seed_catalog
from api.dossiers.workdays import CalendarOverride, load_default_overrides

UPSERT_OVERRIDE = """
INSERT INTO calendar_overrides (day, working, reason, source) VALUES ($1, $2, $3, $4)
ON CONFLICT (day) DO UPDATE SET working = EXCLUDED.working, reason = EXCLUDED.reason, source = EXCLUDED.source
"""
SELECT_OVERRIDES = "SELECT day, working, reason, source FROM calendar_overrides ORDER BY day"


@dataclass(frozen=True)
class SeedReport:
    procedures: int
    procedures_changed: int
    offices: int
    calendar_days: int


async def seed_all(conn: asyncpg.Connection, *, now: datetime, province_code: str = "79") -> SeedReport:
    """The catalog, the offices of the province served, and the announced calendar days."""
    catalog = load_catalog_data()
    offices = province_offices(province_code)
    overrides = load_default_overrides()
    changed = await seed_catalog(conn, catalog, now=now)
    await seed_offices(conn, offices)
    async with conn.transaction():
        for o in overrides:
            await conn.execute(UPSERT_OVERRIDE, o.day, o.working, o.reason, o.source)
    return SeedReport(
        procedures=len(catalog.procedures),
        procedures_changed=changed,
        offices=len(offices.offices),
        calendar_days=len(overrides),
    )


async def load_overrides(conn: asyncpg.Connection) -> list[CalendarOverride]:
    return [
        CalendarOverride(day=r["day"], working=r["working"], reason=r["reason"], source=r["source"])
        for r in await conn.fetch(SELECT_OVERRIDES)
    ]
