"""The monthly rollup never changes an answer: the indicators read from it (plus what it does not
hold) equal the single statement over the real tables, before the worker rolls anything up, after,
and after dossiers closed, were received again or filed since."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.context import AppContext
from api.dossiers import queries as dossier_queries
from api.dossiers.receipts import vn_day_bounds
from api.stats import queries
from api.stats.rollup import roll_up
from api.stats.service import on_time, rolled_up_params, whole_months
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from tests.integration.conftest import TokenFactory, bearer

BEN_THANH = "000.01.14.H29"
SAI_GON = "000.01.73.H29"
OFFICES = [BEN_THANH, SAI_GON]
RESULT = "00000000-0000-0000-0000-0000000000ee"

# Dossiers over three months at two offices, in every status, both channels, some late, some rated.
FIXTURE = """
INSERT INTO files (sha256, size, content_type, created_at) VALUES ('rollup', 1, 'application/pdf', now());
INSERT INTO documents (id, sha256, file_name, content_type, size, created_at)
VALUES ('00000000-0000-0000-0000-0000000000ee', 'rollup', 'kq.pdf', 'application/pdf', 1, now());
SELECT setseed(0.12);
WITH rows AS (
    SELECT random() AS r_office, random() AS r_status, random() AS r_channel, random() AS r_digit,
        random() AS r_result, random() AS r_delay, random() AS r_resolve,
        timestamptz '2026-09-01 00:00+07' + random() * interval '83 days' AS created
    FROM generate_series(1, 900)
), shaped AS (
    SELECT rows.*,
        CASE WHEN r_office < 0.6 THEN '000.01.14.H29' ELSE '000.01.73.H29' END AS agency,
        CASE WHEN r_status < 0.45 THEN 'returned' WHEN r_status < 0.52 THEN 'rejected'
             WHEN r_status < 0.60 THEN 'result_ready' WHEN r_status < 0.72 THEN 'processing'
             WHEN r_status < 0.77 THEN 'awaiting_payment' WHEN r_status < 0.82 THEN 'received'
             WHEN r_status < 0.90 THEN 'submitted' WHEN r_status < 0.94 THEN 'supplement_requested'
             WHEN r_status < 0.97 THEN 'withdrawn' ELSE 'draft' END AS status,
        CASE WHEN r_channel < 0.57 THEN 'online' ELSE 'counter' END AS channel
    FROM rows
)
INSERT INTO dossiers (id, status, procedure_slug, agency_code, channel, applicant, identity_number, form,
    delivery, fee, digitized, submitted_at, received_at, appointment_date, resolved_at, returned_at,
    result_document, reception_due_at, reception_answered_at, created_at, updated_at)
SELECT gen_random_uuid(), status, 'birth-registration', agency, channel, '{}'::jsonb, '079190001234',
    '{}'::jsonb, '{"method": "desk"}'::jsonb, 0, r_digit < 0.8,
    CASE WHEN status <> 'draft' THEN created + interval '1 hour' END,
    CASE WHEN status NOT IN ('draft', 'submitted', 'supplement_requested', 'withdrawn')
         AND NOT (status = 'rejected' AND r_delay < 0.3)  -- some are refused before reception
         THEN created + interval '2 hours' + r_delay * interval '30 hours' END,
    CASE WHEN status NOT IN ('draft', 'submitted', 'supplement_requested', 'withdrawn')
         THEN (created + interval '5 days')::date END,
    CASE WHEN status IN ('returned', 'rejected', 'result_ready') THEN created + r_resolve * interval '8 days' END,
    CASE WHEN status = 'returned' THEN created + interval '9 days' END,
    CASE WHEN status IN ('returned', 'result_ready') AND r_result < 0.45 THEN $1::uuid END,
    CASE WHEN channel = 'online' AND status <> 'draft' THEN created + interval '27 hours' END,
    CASE WHEN channel = 'online' AND status NOT IN ('draft', 'submitted', 'withdrawn')
         THEN created + interval '1 hour' + r_delay * interval '30 hours' END,
    created, created
FROM shaped;
INSERT INTO dossier_ratings (dossier_id, score, created_at, agency_code)
SELECT id, 1 + floor(random() * 5)::int, returned_at + interval '1 day', agency_code
FROM dossiers WHERE status = 'returned' AND random() < 0.4;
"""

# What happens once the worker has rolled up: open dossiers close (late or on time), some are received
# again today, new ones are received today and in a month the rollup already holds, ratings come in.
CHANGES = """
SELECT setseed(0.34);
UPDATE dossiers SET status = 'returned', resolved_at = $1 - interval '1 hour', returned_at = $1,
    result_document = CASE WHEN random() < 0.5 THEN $2::uuid END
WHERE id IN (SELECT id FROM dossiers WHERE status = 'result_ready' ORDER BY id LIMIT 20);
UPDATE dossiers SET status = 'rejected', resolved_at = $1
WHERE id IN (SELECT id FROM dossiers WHERE status = 'processing' ORDER BY id LIMIT 15);
UPDATE dossiers SET received_at = $1, appointment_date = ($1 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 3
WHERE id IN (SELECT id FROM dossiers WHERE status = 'processing' ORDER BY id LIMIT 5);
INSERT INTO dossiers (id, status, procedure_slug, agency_code, channel, applicant, identity_number, form,
    delivery, fee, digitized, submitted_at, received_at, appointment_date, resolved_at, returned_at,
    reception_due_at, reception_answered_at, created_at, updated_at)
SELECT gen_random_uuid(), CASE WHEN g % 3 = 0 THEN 'returned' WHEN g % 3 = 1 THEN 'rejected' ELSE 'received' END,
    'birth-registration', CASE WHEN g % 2 = 0 THEN '000.01.14.H29' ELSE '000.01.73.H29' END,
    CASE WHEN g % 4 = 0 THEN 'counter' ELSE 'online' END, '{}'::jsonb, '079190001234', '{}'::jsonb,
    '{"method": "desk"}'::jsonb, 0, g % 5 <> 0, t - interval '1 hour', t, (t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    CASE WHEN g % 3 < 2 THEN t + interval '1 hour' END, CASE WHEN g % 3 = 0 THEN t + interval '2 hours' END,
    t + interval '7 hours', CASE WHEN g % 4 <> 0 THEN t END, t, t
FROM generate_series(1, 30) g,
    LATERAL (SELECT CASE WHEN g <= 15 THEN $1 - interval '2 hours'
                         ELSE timestamptz '2026-10-14 10:00+07' END AS t) times;
INSERT INTO dossier_ratings (dossier_id, score, created_at, agency_code)
SELECT id, 1 + floor(random() * 5)::int, $1 - interval '30 minutes', agency_code
FROM dossiers WHERE status = 'returned' AND id NOT IN (SELECT dossier_id FROM dossier_ratings) AND random() < 0.3;
"""

RANGES = [
    (date(2026, 1, 1), date(2026, 11, 23)),  # the year so far: whole months and today
    (date(2026, 9, 1), date(2026, 11, 30)),  # whole months only
    (date(2026, 10, 1), date(2026, 10, 31)),  # one whole month
    (date(2026, 9, 15), date(2026, 11, 10)),  # part-months at both ends around a whole one
    (date(2026, 10, 3), date(2026, 10, 20)),  # inside one month
    (date(2026, 11, 23), date(2026, 11, 23)),  # today
]


async def assert_same_answers(conn: asyncpg.Connection, clock: FixedClock) -> None:
    now = clock.now()
    today = now.astimezone(VN_TZ).date()
    for offices in ([BEN_THANH], OFFICES):
        for start, end in RANGES:
            low, high = vn_day_bounds(start, end)
            raw = await conn.fetchrow(queries.INDICATORS, offices, low, high, now, today)
            rolled = await conn.fetchrow(
                queries.INDICATORS_ROLLED_UP, *rolled_up_params(offices, start, end, now, today)
            )
            assert raw is not None and rolled is not None
            assert dict(rolled) == dict(raw), (offices, start, end)
    for office in OFFICES:  # on-time statistics, of one office at a time
        for start, end in RANGES:
            low, high = vn_day_bounds(start, end)
            defined = await conn.fetchrow(dossier_queries.ON_TIME_STATS, office, low, high, today)
            assert defined is not None
            expected = dict(defined)
            answered = await on_time(conn, office, start, end, today)
            assert {k: getattr(answered, k) for k in expected} == expected, (office, start, end)


def test_whole_months_of_a_period() -> None:
    assert whole_months(date(2026, 1, 1), date(2026, 11, 30)) == (date(2026, 1, 1), date(2026, 12, 1))
    assert whole_months(date(2026, 1, 1), date(2026, 11, 23)) == (date(2026, 1, 1), date(2026, 11, 1))
    assert whole_months(date(2026, 9, 15), date(2026, 11, 10)) == (date(2026, 10, 1), date(2026, 11, 1))
    assert whole_months(date(2026, 10, 3), date(2026, 10, 20)) == (date(2026, 11, 1), date(2026, 11, 1))
    assert whole_months(date(2026, 12, 1), date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))


async def test_the_rollup_answers_exactly_what_the_real_tables_say_before_and_after_changes(
    client: AsyncTestClient[Any],
    pool: asyncpg.Pool,
    clock: FixedClock,
    make_token: TokenFactory,
    app_context: AppContext,
) -> None:
    ctx = app_context
    async with acquire(pool) as conn:
        await conn.execute(FIXTURE.replace("$1::uuid", f"'{RESULT}'::uuid"))
        await assert_same_answers(conn, clock)  # nothing rolled up yet: all read live

        closed = await conn.fetchval(
            "SELECT count(*) FROM dossiers WHERE status IN ('returned', 'rejected', 'withdrawn')"
        )
        rated = await conn.fetchval("SELECT count(*) FROM dossier_ratings")
        assert await roll_up(ctx.pool, ctx.clock.now) == closed + rated
        assert await roll_up(ctx.pool, ctx.clock.now) == 0  # nothing closed since
        assert await conn.fetchval("SELECT count(*) FROM dossiers WHERE rolled_up") == closed
        months = await conn.fetch("SELECT agency_code, month, received FROM indicator_months ORDER BY 1, 2")
        assert {(r["agency_code"], r["month"]) for r in months} >= {
            (office, date(2026, m, 1)) for office in OFFICES for m in (9, 10, 11)
        }
        assert sum(r["received"] for r in months) > 0
        await assert_same_answers(conn, clock)

        now = f"'{clock.now().isoformat()}'::timestamptz"
        await conn.execute(CHANGES.replace("$2::uuid", f"'{RESULT}'::uuid").replace("$1", now))
        await assert_same_answers(conn, clock)  # what closed since is read live
        assert await roll_up(ctx.pool, ctx.clock.now) > 0
        await assert_same_answers(conn, clock)

        low, high = vn_day_bounds(date(2026, 1, 1), date(2026, 11, 23))
        communes = [r["code"] for r in await conn.fetch("SELECT code FROM offices WHERE level = 'commune'")]
        today = clock.now().astimezone(VN_TZ).date()
        raw = await conn.fetchrow(queries.INDICATORS, communes, low, high, clock.now(), today)
    assert raw is not None
    admin = await make_token("0900690001", "admin")
    level = await client.get(
        "/api/v1/stats/indicators", params={"level": "commune", "from": "2026-01-01"}, headers=bearer(admin)
    )
    assert level.status_code == 200, level.text
    body = level.json()
    assert (body["received"], body["resolved"], body["ratings"], body["overdue_now"]) == (
        raw["received"],
        raw["resolved"],
        raw["ratings"],
        raw["overdue_now"],
    )
