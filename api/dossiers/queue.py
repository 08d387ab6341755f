"""The officers' queue at any size: a page costs what one page costs, not what the office's history does.

A page walks the office's index in the list's order (migration 0020: `dossiers_queue`, and
`dossiers_queue_status` when a status is asked for) for `offset + limit` entries, choosing the ids
before any row is read; offices are walked each on its own and merged, so an officer of several
offices (or an admin of all) pays that per office. Each filter has its own statement: a prepared
statement with `$n IS NULL OR …` could only put the office in its generic plan's index condition.

The total: the queue's size per office and status is kept by trigger in `office_queue_counts` (rows
of +1 / -1 summed, folded by the worker); the overdue filters, which depend on the time, are counted
on the index holding their columns (a few hundred entries: what is overdue, not the history)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from api.dossiers.models import Overdue
from api.dossiers.queries import DOSSIER_COLUMNS, REACHED_THE_OFFICE, overdue_sql
from core.db import acquire
from core.dossier_status import DossierStatus


def _order(alias: str) -> str:
    """The list's order (contracts: oldest first), over `alias`."""
    return f"{alias}.submitted_at ASC NULLS LAST, {alias}.created_at ASC, {alias}.id"


_PAGE = f"""
WITH page AS (
    SELECT k.id, k.submitted_at, k.created_at
    FROM unnest($1::text[]) AS o (code)
    CROSS JOIN LATERAL (
        SELECT d.id, d.submitted_at, d.created_at FROM dossiers d
        WHERE d.agency_code = o.code AND {REACHED_THE_OFFICE}{{filters}}
        ORDER BY {_order("d")}
        LIMIT $2::bigint + $3::bigint
    ) k
    ORDER BY {_order("k")}
    LIMIT $2 OFFSET $3
)
SELECT {DOSSIER_COLUMNS} FROM page p JOIN dossiers d ON d.id = p.id
ORDER BY {_order("p")}
"""

_KEPT_COUNT = """
SELECT coalesce(sum(c.dossiers), 0)::bigint FROM office_queue_counts c
WHERE c.agency_code = ANY($1::text[]){filters}
"""

# received implies reached the office; the open dossiers' index (migration 0006) holds no channel
_OVERDUE_COUNT = """
SELECT count(*) FROM dossiers d WHERE d.agency_code = ANY($1::text[]){reached}{filters}
"""


def _filters(status: bool, overdue: Overdue | None, first: int, alias: str = "d") -> str:
    """The conditions of a variant, their values numbered from `first` in the order `values()` gives."""
    parts: list[str] = []
    n = first
    if status:
        parts.append(f"{alias}.status = ${n}")
        n += 1
    if overdue is not None:
        parts.append(overdue_sql(overdue, f"${n}", f"${n + 1}"))
    return "".join(f"\n    AND {p}" for p in parts)


def _statements(status: bool, overdue: Overdue | None) -> tuple[str, str]:
    page = _PAGE.format(filters=_filters(status, overdue, 4))
    if overdue is None:
        count = _KEPT_COUNT.format(filters=_filters(status, None, 2, alias="c"))
    else:
        reached = "" if overdue == "processing" else f" AND {REACHED_THE_OFFICE}"
        count = _OVERDUE_COUNT.format(reached=reached, filters=_filters(status, overdue, 2))
    return page, count


# (a status asked for, the overdue filter) -> (the page, its total): every variant, prepared by the tests
STATEMENTS: dict[tuple[bool, Overdue | None], tuple[str, str]] = {
    (status, overdue): _statements(status, overdue)
    for status in (False, True)
    for overdue in (None, "reception", "processing")
}


def values(status: DossierStatus | None, overdue: Overdue | None, now: datetime, today: date) -> list[Any]:
    """The filters' values, in the order their statements number them."""
    found: list[Any] = [status.value] if status is not None else []
    if overdue is not None:
        found += [now, today] if overdue == "processing" else [now]
    return found


async def page_of(
    conn: asyncpg.Connection,
    offices: list[str],
    *,
    status: DossierStatus | None,
    overdue: Overdue | None,
    limit: int,
    offset: int,
    now: datetime,
    today: date,
) -> tuple[list[asyncpg.Record], int]:
    """The rows of one page of the queue, in its order, and how many the whole queue holds."""
    page, count = STATEMENTS[(status is not None, overdue)]
    given = values(status, overdue, now, today)
    rows = await conn.fetch(page, offices, limit, offset, *given)
    total: int = await conn.fetchval(count, offices, *given)
    return rows, total


# ---- the counts ----------------------------------------------------------------------------------

# One row per office and status again, from however many +1 / -1 rows the moves left since the last
# fold: the rows deleted are exactly the ones summed (a move committed meanwhile keeps its own row).
FOLD = """
WITH many AS (
    SELECT agency_code, status FROM office_queue_counts GROUP BY agency_code, status HAVING count(*) > 1
), gone AS (
    DELETE FROM office_queue_counts c USING many
    WHERE c.agency_code = many.agency_code AND c.status = many.status
    RETURNING c.agency_code, c.status, c.dossiers
), folded AS (
    INSERT INTO office_queue_counts (agency_code, status, dossiers)
    SELECT agency_code, status, sum(dossiers) FROM gone GROUP BY agency_code, status HAVING sum(dossiers) <> 0
)
SELECT count(*) FROM gone
"""

# After a load that fired no trigger (session_replication_role = replica, as pg_restore and the
# bench's fill run): the counts from the rows themselves, writers held off meanwhile.
RECOUNT = f"""
LOCK TABLE dossiers IN SHARE MODE;
DELETE FROM office_queue_counts;
INSERT INTO office_queue_counts (agency_code, status, dossiers)
SELECT d.agency_code, d.status, count(*) FROM dossiers d WHERE {REACHED_THE_OFFICE}
GROUP BY d.agency_code, d.status;
"""


async def fold(pool: asyncpg.Pool) -> int:
    """The worker's fold of the counts; returns how many rows it folded."""
    async with acquire(pool) as conn:
        folded: int = await conn.fetchval(FOLD)
    return folded


async def recount(conn: asyncpg.Connection) -> None:
    async with conn.transaction():
        await conn.execute(RECOUNT)
