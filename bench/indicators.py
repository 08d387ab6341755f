"""The indicators (api/stats/queries.py) on a generated table of a million dossiers.

    uv run python bench/indicators.py [--rows 1000000] [--runs 15] [--busiest-share 0.05] [--compare-0001]

A scratch database (`motcua_bench_<random>`, dropped at the end) is migrated and seeded with the
real commands, then filled by SQL: dossiers spread over the 168 ward People's Committees, one of
them (the busiest, UBND phường Bến Thành) taking `--busiest-share` of all rows, created over
23 months, in the statuses, channels and delays a one-stop shop sees, with ratings on a third of
the returned ones. After VACUUM ANALYZE it times, for one office (over a year and a month) and for
every commune office (over a year, and over part-months), the single statement over the real
tables (INDICATORS, the definition), with the plan of the level-wide one; then runs the worker's
monthly rollup to the end (timed), closes 2,000 dossiers and times the next rollup run, checks that
both statements give the same figures, and times what the API runs (INDICATORS_ROLLED_UP) with its
plans. `--compare-0001` drops the indicator indexes of 0006 and 0008 and times the single statement
on 0001's index.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import time
from datetime import date, datetime
from typing import Any

import asyncpg
import harness

from api.dossiers.receipts import vn_day_bounds
from api.stats.queries import INDICATORS, INDICATORS_ROLLED_UP
from api.stats.rollup import roll_up
from api.stats.service import rolled_up_params
from core.clock import VN_TZ

BUSIEST = "000.01.14.H29"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=VN_TZ)

# One INSERT ... SELECT: the choices come from random() per row, so the mix is the same at any size.
FILL = """
WITH offices AS (SELECT array_agg(code ORDER BY code) AS codes FROM offices WHERE kind = 'UBND-XA'),
rows AS (
    SELECT g, random() AS r_office, random() AS r_pick, random() AS r_status, random() AS r_channel,
        random() AS r_digit,
        random() AS r_result, random() AS r_delay, random() AS r_resolve,
        timestamptz '2025-01-01 08:00+07' + random() * interval '699 days' AS created
    FROM generate_series(1, $1) g
), shaped AS (
    SELECT rows.*,
        -- a per-row pick: a scalar subquery here would be run once and send every row to one office
        CASE WHEN r_office < $2 THEN $3
             ELSE offices.codes[1 + floor(r_pick * array_length(offices.codes, 1))::int] END AS agency,
        CASE WHEN r_status < 0.70 THEN 'returned' WHEN r_status < 0.73 THEN 'rejected'
             WHEN r_status < 0.78 THEN 'result_ready' WHEN r_status < 0.86 THEN 'processing'
             WHEN r_status < 0.89 THEN 'awaiting_payment' WHEN r_status < 0.92 THEN 'received'
             WHEN r_status < 0.95 THEN 'submitted' WHEN r_status < 0.97 THEN 'supplement_requested'
             WHEN r_status < 0.99 THEN 'withdrawn' ELSE 'draft' END AS status,
        CASE WHEN r_channel < 0.57 THEN 'online' ELSE 'counter' END AS channel
    FROM rows CROSS JOIN offices
)
INSERT INTO dossiers (id, status, procedure_slug, agency_code, channel, applicant, identity_number, form,
    delivery, fee, digitized, submitted_at, received_at, appointment_date, resolved_at, returned_at,
    result_document, reception_due_at, reception_answered_at, created_at, updated_at)
SELECT gen_random_uuid(), status, 'birth-registration', agency, channel, '{}'::jsonb, '079190001234',
    '{}'::jsonb, '{"method": "desk"}'::jsonb, 0, r_digit < 0.82,
    CASE WHEN status <> 'draft' THEN created + interval '1 hour' END,
    CASE WHEN status NOT IN ('draft', 'submitted', 'supplement_requested', 'withdrawn')
         THEN created + interval '1 hour' + r_delay * interval '30 hours' END,
    CASE WHEN status NOT IN ('draft', 'submitted', 'supplement_requested', 'withdrawn')
         THEN (created + interval '5 days')::date END,
    CASE WHEN status IN ('returned', 'rejected', 'result_ready')
         THEN created + interval '1 hour' + r_resolve * interval '6 days' END,
    CASE WHEN status = 'returned' THEN created + interval '7 days' END,
    CASE WHEN status IN ('returned', 'result_ready') AND r_result < 0.45 THEN $4::uuid END,
    CASE WHEN channel = 'online' AND status <> 'draft' THEN created + interval '1 hour' + interval '26 hours' END,
    CASE WHEN channel = 'online' AND status NOT IN ('draft', 'submitted', 'withdrawn')
         THEN created + interval '1 hour' + r_delay * interval '30 hours' END,
    created, created
FROM shaped
"""

RESULT_FILE = """
INSERT INTO files (sha256, size, content_type, created_at) VALUES ('bench', 1, 'application/pdf', now());
INSERT INTO documents (id, sha256, file_name, content_type, size, created_at)
VALUES ('00000000-0000-0000-0000-00000000be0c', 'bench', 'kq.pdf', 'application/pdf', 1, now());
"""

RATINGS = """
INSERT INTO dossier_ratings (dossier_id, score, created_at, agency_code)
SELECT id, 1 + floor(random() * 5)::int, returned_at + interval '1 day', agency_code
FROM dossiers WHERE status = 'returned' AND random() < 0.33
"""

# migration 0006's and 0008's indicator indexes, and the one of 0001 the first replaced
WITHOUT_NEW_INDEXES = """
DROP INDEX dossiers_agency_received_live;
DROP INDEX dossiers_agency_online_submitted_live;
DROP INDEX dossier_ratings_agency_created_live;
DROP INDEX dossiers_agency_received;
DROP INDEX dossiers_agency_online_submitted;
DROP INDEX dossiers_agency_open;
DROP INDEX dossier_ratings_agency_created;
CREATE INDEX dossiers_agency_received ON dossiers (agency_code, received_at);
"""


_LONG_ARRAY = re.compile(r"'\{([^}]{200,})\}'")

# a day's work after the rollup: dossiers closed, so the next run has something to roll up
A_DAY_CLOSES = """
UPDATE dossiers SET status = 'returned', resolved_at = $1, returned_at = $1
WHERE id IN (SELECT id FROM dossiers WHERE status = 'result_ready' ORDER BY id LIMIT $2)
"""


def _elided(match: re.Match[str]) -> str:
    return f"'{{… {match.group(1).count(',') + 1} office codes …}}'"


Case = tuple[str, list[str], date, date]


def cases(communes: list[str]) -> list[Case]:
    return [
        ("busiest office, 2026", [BUSIEST], date(2026, 1, 1), date(2026, 11, 30)),
        ("busiest office, Nov 2026", [BUSIEST], date(2026, 11, 1), date(2026, 11, 30)),
        ("all 336 commune offices, 2026", communes, date(2026, 1, 1), date(2026, 11, 30)),
        ("all 336 commune offices, 15 Jan-20 Nov 2026", communes, date(2026, 1, 15), date(2026, 11, 20)),
    ]


def params(statement: str, offices: list[str], start: date, end: date) -> tuple[Any, ...]:
    if statement == "rollup":
        return rolled_up_params(offices, start, end, NOW, NOW.date())
    low, high = vn_day_bounds(start, end)
    return offices, low, high, NOW, NOW.date()


STATEMENTS = {"single": INDICATORS, "rollup": INDICATORS_ROLLED_UP}


async def timed(
    conn: asyncpg.Connection, sql: str, args: tuple[Any, ...], runs: int
) -> tuple[float, float, asyncpg.Record]:
    row = await conn.fetchrow(sql, *args)  # warm-up: plan cached, pages in shared buffers
    assert row is not None
    seconds = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await conn.fetchrow(sql, *args)
        seconds.append(time.perf_counter() - t0)
    return statistics.median(seconds) * 1000, max(seconds) * 1000, row


async def measure(conn: asyncpg.Connection, statement: str, label: str, runs: int, explain: set[str]) -> None:
    communes = [r["code"] for r in await conn.fetch("SELECT code FROM offices WHERE level = 'commune'")]
    sql = STATEMENTS[statement]
    for name, offices, start, end in cases(communes):
        args = params(statement, offices, start, end)
        if name in explain:
            plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)
            print(f"\n--- plan: {name} ({statement}, {label})")
            print("\n".join(_LONG_ARRAY.sub(_elided, r[0]) for r in plan))
        median, worst, row = await timed(conn, sql, args, runs)
        print(
            f"| {statement} | {label} | {name} | {median:.1f} | {worst:.1f} | {row['received']} | {row['ratings']} |"
            f" {row['overdue_now']} |",
            flush=True,
        )


async def same_answers(conn: asyncpg.Connection) -> None:
    """The rollup changes no figure: both statements answer alike for every case."""
    communes = [r["code"] for r in await conn.fetch("SELECT code FROM offices WHERE level = 'commune'")]
    for name, offices, start, end in cases(communes):
        single = await conn.fetchrow(INDICATORS, *params("single", offices, start, end))
        rolled = await conn.fetchrow(INDICATORS_ROLLED_UP, *params("rollup", offices, start, end))
        assert single is not None
        assert rolled is not None
        if dict(single) != dict(rolled):
            raise SystemExit(f"the rollup changed the figures of {name}: {dict(rolled)} != {dict(single)}")


async def analyze(conn: asyncpg.Connection) -> None:
    """Fresh statistics and a visibility map, so index-only scans need no heap fetches (autovacuum
    would do the same on a live database)."""
    for table in ("dossiers", "dossier_ratings", "indicator_months"):
        await conn.execute(f"VACUUM ANALYZE {table}")


def header() -> None:
    print("| statement | indexes | query | median ms | max ms | received | ratings | overdue now |")
    print("|---|---|---|---|---|---|---|---|")


async def run(url: str, rows: int, runs: int, share: float, compare_0001: bool) -> None:
    conn = await asyncpg.connect(url, timeout=30)
    pool = await asyncpg.create_pool(url, min_size=1, max_size=2)
    levels = {"all 336 commune offices, 2026"}
    try:
        t0 = time.perf_counter()
        await conn.execute(RESULT_FILE)
        await conn.execute(FILL, rows, share, BUSIEST, "00000000-0000-0000-0000-00000000be0c")
        await conn.execute(RATINGS)
        await analyze(conn)
        count = await conn.fetchval("SELECT count(*) FROM dossiers")
        size = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('dossiers'))")
        print(f"{count} dossiers ({size} with indexes) generated in {time.perf_counter() - t0:.0f} s", flush=True)
        header()
        await measure(conn, "single", "0006", runs, explain=levels)

        t0 = time.perf_counter()
        rolled = await roll_up(pool, lambda: NOW, batches=10**6)
        first = time.perf_counter() - t0
        await analyze(conn)
        months = await conn.fetchval("SELECT count(*) FROM indicator_months")
        print(f"\nfirst rollup: {rolled} rows in {first:.1f} s, {months} office-months", flush=True)
        closed = await conn.execute(A_DAY_CLOSES, NOW, 2000)
        t0 = time.perf_counter()
        again = await roll_up(pool, lambda: NOW)
        print(f"after a day's work ({closed}): {again} rows rolled up in {time.perf_counter() - t0:.2f} s")
        await same_answers(conn)
        print("both statements give the same figures for every case\n", flush=True)
        await analyze(conn)  # as autovacuum would after the day's changes
        header()
        await measure(conn, "rollup", "0006+0008", runs, explain=levels | {"busiest office, 2026"})
        if compare_0001:
            await conn.execute(WITHOUT_NEW_INDEXES)
            await analyze(conn)
            await measure(conn, "single", "0001 only", runs, explain=set())
    finally:
        await pool.close()
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--busiest-share", type=float, default=0.05)
    parser.add_argument("--compare-0001", action="store_true", help="also time the single statement on 0001's index")
    args = parser.parse_args()
    with harness.scratch() as db:
        harness.migrate_and_seed(harness.bench_env(db.url, db.dir))
        asyncio.run(run(db.url, args.rows, args.runs, args.busiest_share, args.compare_0001))


if __name__ == "__main__":
    main()
