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
from api.dossiers.views import DocumentOut
from core.db import acquire
from core.dossier_status import DossierStatus


def _order(alias: str) -> str:
    """The list's order (contracts: oldest first), over `alias`."""
    return f"{alias}.submitted_at ASC NULLS LAST, {alias}.created_at ASC, {alias}.id"


# One round trip: the total (first, so an empty page is still one row, of nulls), then the page's
# rows in order, each with its papers (as the parallel arrays asyncpg decodes natively, in
# queries.LIST_ATTACHMENTS' order) and its originals seen (queries.LIST_ORIGINALS_SEEN's order).
# $1 offices, $2 limit, $3 offset, the filters' values from $4.
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
), listed AS (
    SELECT {DOSSIER_COLUMNS}, papers.*, seen.originals_seen
    FROM page p JOIN dossiers d ON d.id = p.id
    CROSS JOIN LATERAL (
        SELECT array_agg(a.id ORDER BY a.created_at, a.id) AS paper_ids,
            array_agg(a.requirement ORDER BY a.created_at, a.id) AS paper_requirements,
            array_agg(a.document_id ORDER BY a.created_at, a.id) AS paper_documents,
            array_agg(a.created_at ORDER BY a.created_at, a.id) AS paper_created_at,
            array_agg(f.file_name ORDER BY a.created_at, a.id) AS paper_file_names,
            array_agg(f.content_type ORDER BY a.created_at, a.id) AS paper_content_types,
            array_agg(f.size ORDER BY a.created_at, a.id) AS paper_sizes,
            array_agg(f.sha256 ORDER BY a.created_at, a.id) AS paper_sha256
        FROM dossier_documents a JOIN documents f ON f.id = a.document_id WHERE a.dossier_id = d.id
    ) papers
    CROSS JOIN LATERAL (
        SELECT array_agg(s.requirement ORDER BY s.requirement) AS originals_seen
        FROM dossier_originals_seen s WHERE s.dossier_id = d.id
    ) seen
)
SELECT t.total, l.* FROM ({{count}}) AS t (total) LEFT JOIN listed l ON true
ORDER BY {_order("l")}
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


def _statement(status: bool, overdue: Overdue | None) -> str:
    if overdue is None:
        count = _KEPT_COUNT.format(filters=_filters(status, None, 4, alias="c"))
    else:
        reached = "" if overdue == "processing" else f" AND {REACHED_THE_OFFICE}"
        count = _OVERDUE_COUNT.format(reached=reached, filters=_filters(status, overdue, 4))
    return _PAGE.format(filters=_filters(status, overdue, 4), count=count.strip())


# (a status asked for, the overdue filter) -> the statement: every variant, prepared by the tests
STATEMENTS: dict[tuple[bool, Overdue | None], str] = {
    (status, overdue): _statement(status, overdue)
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
    """The rows of one page of the queue, in its order, with their papers (papers_of), and how many the
    whole queue holds."""
    found = await conn.fetch(
        STATEMENTS[(status is not None, overdue)], offices, limit, offset, *values(status, overdue, now, today)
    )
    total: int = found[0]["total"]
    return [r for r in found if r["id"] is not None], total


def papers_of(row: asyncpg.Record) -> tuple[list[DocumentOut], list[str]]:
    """A listed dossier's documents and the requirements seen in the original, from its arrays."""
    documents = [
        DocumentOut(id=i, requirement=r, document_id=d, file_name=n, content_type=t, size=z, sha256=h, created_at=c)
        for i, r, d, c, n, t, z, h in zip(
            row["paper_ids"] or (),
            row["paper_requirements"] or (),
            row["paper_documents"] or (),
            row["paper_created_at"] or (),
            row["paper_file_names"] or (),
            row["paper_content_types"] or (),
            row["paper_sizes"] or (),
            row["paper_sha256"] or (),
            strict=True,
        )
    ]
    return documents, list(row["originals_seen"] or ())


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
