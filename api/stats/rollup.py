"""The worker's monthly rollup of the indicators: closed dossiers (returned, rejected or withdrawn,
which never change again) and ratings (never changed) are marked, and their offices' months
recomputed by SQL from those tables, in one transaction, so indicator_months always holds exactly
what the marked rows add up to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import asyncpg

from api.stats import queries
from core.db import acquire

BATCH = 5000
MAX_BATCHES = 40  # per run: a first run over a million closed dossiers spreads over a few runs


async def roll_up(pool: asyncpg.Pool, now: Callable[[], datetime], *, batches: int = MAX_BATCHES) -> int:
    """Roll up what was closed or rated since the last run; returns how many rows were rolled up."""
    done = 0
    for _ in range(batches):
        async with acquire(pool) as conn, conn.transaction():
            if not await conn.fetchval(queries.ROLL_UP_LOCK):
                return done  # another worker is at it
            marked: list[int] = []
            months: set[tuple[str, date]] = set()
            for sql in (queries.MARK_ROLLED_UP, queries.MARK_RATINGS_ROLLED_UP):
                rows = await conn.fetch(sql, BATCH)
                months.update((r["agency_code"], r["month"]) for r in rows)
                marked.append(rows[0]["marked"] if rows else 0)
            if months:
                offices, firsts = zip(*sorted(months), strict=True)
                await conn.execute(queries.RECOMPUTE_MONTHS, list(offices), list(firsts), now())
        done += sum(marked)
        if max(marked) < BATCH:
            return done
    return done
