"""An officer's reads at a province's scale: a million dossiers, one `motcua serve` worker, wrk.

    uv run python bench/province.py [--dossiers 1000000] [--connections 16] [--duration 8]

A scratch database (`motcua_bench_<random>`, dropped at the end) is migrated and seeded with the
real commands, then filled by set-based SQL with `--dossiers` dossiers spread as
`bench/indicators.py` spreads them: over the 168 ward People's Committees, the busiest (UBND phường
Bến Thành) taking `--busiest-share` of them and its part of the rest (55,700 of a million), created
over the last 700 days, in the same mix of statuses and channels. Each dossier is consistent with
the state machine (design.md §3): a draft has no code; a submitted one has its code
(`<office>-<yymmdd>-<NNNN>`, numbered per office and day, the counters left where they stop) and
lookup key, its provisional appointment and, online, its reception deadline; a received one its
appointment date; a closed one its resolution; timestamps in order and none in the future; the fee
and payment of a procedure with a fee. The applicant is one of `--applicants` citizens (a user each,
built by the application's own `clean_applicant`, addresses read by the address normalizer), the
form that procedure's, the identity number sealed by the application's `seal_identity` under each
dossier's own context (AES-GCM, one seal per dossier, with a generated `MOTCUA_DATA_KEY`). The
busiest office's dossiers carry their mandatory papers (scanned, or seen in the original at the
counter); a third of the returned dossiers are rated. No status history is written: none of the
reads below looks at it.

The bulk load drops the table's secondary indexes and rebuilds them from their own definitions
afterwards, and skips the foreign-key triggers (`session_replication_role = replica`, as
pg_restore does): the rows are consistent by construction. Then VACUUM ANALYZE (what autovacuum
would have done on a live database).

Then one `motcua serve --workers 1`, an officer of the busiest office (`motcua token`), and for each
read: one request checked (200, the expected JSON, figures that agree with SQL), a warm-up, then
`wrk --latency` with `--connections` connections for `--duration` seconds. Reported: requests/s,
p50/p90/p99/max, non-2xx, the server's and PostgreSQL's CPU per request, beside the target of issue
23; then the EXPLAIN (ANALYZE, BUFFERS) of the statement behind each read, with the parameters the
application sends (a custom plan), and with `--generic-plans` also the generic plan a prepared
statement may switch to after five runs, and which of the two one connection keeps when it sends the
reads in wrk's order.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import harness
import httpx
import msgspec
from webhooks import start_server, wait_ready

from api.dossiers import queries as dossier_queries
from api.dossiers import queue
from api.dossiers.applicants import as_json, clean_applicant
from api.dossiers.models import ApplicantIn
from api.dossiers.sealed import seal_identity
from api.stats import queries as stats_queries
from api.stats.service import period_bounds
from core.clock import VN_TZ
from core.dossier_status import DossierStatus
from core.sealing import DataKeys
from core.settings import new_data_key

BUSIEST = "000.01.14.H29"  # UBND phường Bến Thành, as in bench/indicators.py
OFFICER_PHONE = "0909000123"
BIRTH = "birth-registration"  # no fee, the same day
CERTIFICATE = "marital-status-certificate"  # 15,000 VND, 3 working days
CERTIFICATE_FEE = 15000
SEED_SECONDS = 1800.0  # the whole fill, at most
WRK_GRACE = 30.0

# ---- the applicants ---------------------------------------------------------------------------

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Quốc", "Hoài")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hùng", "Khang", "Lan", "Linh", "Mai", "Nam", "Phúc")
STREETS = ("Lê Lợi", "Nguyễn Huệ", "Pasteur", "Lý Tự Trọng", "Hai Bà Trưng", "Đồng Khởi", "Tôn Thất Thiệp")
WARDS = ("Bến Thành", "Sài Gòn", "Tân Định", "Cầu Ông Lãnh", "Bàn Cờ", "Xuân Hòa", "Nhiêu Lộc")

BIRTH_FORM = {
    "child_full_name": "Trần Minh Khang",
    "child_sex": "nam",
    "child_date_of_birth": "2026-11-01",
    "place_of_birth": "Bệnh viện Từ Dũ, TP.HCM",
    "child_ethnicity": "Kinh",
    "register_residence_and_insurance": True,
}
CERTIFICATE_FORM = {
    "purpose": "Đăng ký kết hôn",
    "marital_status": "chua_ket_hon",
    "intended_spouse_name": "Lê Thị Mai",
}


@dataclass(frozen=True)
class Applicant:
    user_id: uuid.UUID
    phone: str
    full_name: str
    identity_number: str
    json: str


def applicants(count: int, rng: random.Random, today: date) -> list[Applicant]:
    """`count` distinct citizens, each checked and stored as api/dossiers stores an applicant."""
    people = []
    for n in range(count):
        born = date(1950 + rng.randrange(55), 1 + rng.randrange(12), 1 + rng.randrange(28))
        female = n % 2 == 1
        century = (0 if born.year < 2000 else 2) + (1 if female else 0)
        identity = f"079{century}{born.year % 100:02d}{n:06d}"
        name = f"{rng.choice(SURNAMES)} {'Thị' if female else rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{n:08d}"
        given = ApplicantIn(
            full_name=name,
            identity_number=identity,
            date_of_birth=born,
            phone=phone,
            address=f"{1 + rng.randrange(200)} {rng.choice(STREETS)}, phường {rng.choice(WARDS)}, TP.HCM",
            email=f"citizen{n}@example.vn" if n % 3 == 0 else None,
        )
        stored, number, errors = clean_applicant(given, today=today)
        if stored is None:
            raise SystemExit(f"generated applicant {n} does not pass the application's checks: {errors}")
        people.append(Applicant(uuid.uuid4(), stored.phone, name, number, to_json(as_json(stored))))
    return people


def to_json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# ---- the fill ---------------------------------------------------------------------------------

STAGING = """
CREATE UNLOGGED TABLE bench_people (no int PRIMARY KEY, user_id uuid NOT NULL, applicant jsonb NOT NULL,
    identity_hash bytea NOT NULL);
CREATE UNLOGGED TABLE bench_seed (n int PRIMARY KEY, id uuid NOT NULL, person int NOT NULL,
    identity_sealed text NOT NULL);
"""

# What migrations made besides the constraints' own indexes: dropped for the load, rebuilt after.
SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = 'public' AND i.tablename = $1
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
ORDER BY i.indexname
"""

# One INSERT ... SELECT: the choices come from random() per row, so the mix is the same at any size.
# Status, channel and office as bench/indicators.py draws them; then the few moves the state machine
# does not allow are turned into ones it does (a walk-in is received at the desk, never left
# `submitted`, and is not withdrawn), and every timestamp follows from the status.
FILL = """
WITH offices AS (SELECT array_agg(code ORDER BY code) AS codes FROM offices WHERE kind = 'UBND-XA'),
rows AS (
    SELECT s.n, s.id, s.person, s.identity_sealed,
        random() AS r_office, random() AS r_pick, random() AS r_status, random() AS r_channel,
        random() AS r_digit, random() AS r_result, random() AS r_delay, random() AS r_resolve,
        random() AS r_proc, random() AS r_submit,
        $5::timestamptz - random() * interval '700 days' AS created
    FROM bench_seed s
), drawn AS (
    SELECT rows.*,
        CASE WHEN r_office < $1 THEN $2
             ELSE offices.codes[1 + floor(r_pick * array_length(offices.codes, 1))::int] END AS agency,
        CASE WHEN r_status < 0.70 THEN 'returned' WHEN r_status < 0.73 THEN 'rejected'
             WHEN r_status < 0.78 THEN 'result_ready' WHEN r_status < 0.86 THEN 'processing'
             WHEN r_status < 0.89 THEN 'awaiting_payment' WHEN r_status < 0.92 THEN 'received'
             WHEN r_status < 0.95 THEN 'submitted' WHEN r_status < 0.97 THEN 'supplement_requested'
             WHEN r_status < 0.99 THEN 'withdrawn' ELSE 'draft' END AS drawn_status,
        CASE WHEN r_channel < 0.57 THEN 'online' ELSE 'counter' END AS channel
    FROM rows CROSS JOIN offices
), kind AS (
    SELECT drawn.*,
        CASE WHEN channel = 'counter' AND drawn_status = 'submitted' THEN 'received'
             WHEN channel = 'counter' AND drawn_status = 'withdrawn' THEN 'returned'
             ELSE drawn_status END AS status,
        -- only a procedure with a fee waits for a payment
        CASE WHEN drawn_status = 'awaiting_payment' OR r_proc < 0.3 THEN $3 ELSE $4 END AS procedure_slug
    FROM drawn
), stamped AS (
    SELECT kind.*,
        CASE WHEN status = 'draft' THEN NULL
             WHEN channel = 'online' THEN least(created + interval '1 hour' + r_submit * interval '2 days', $5)
             ELSE least(created + interval '15 minutes', $5) END AS submitted_at,
        CASE WHEN procedure_slug = $3 THEN 3 ELSE 0 END AS days
    FROM kind
), received AS (
    SELECT stamped.*,
        CASE WHEN status IN ('draft', 'submitted', 'withdrawn') THEN NULL
             WHEN status = 'supplement_requested' AND channel = 'online' THEN NULL  -- sent back at reception
             WHEN channel = 'counter' THEN submitted_at
             ELSE least(submitted_at + r_delay * interval '30 hours', $5) END AS received_at
    FROM stamped
), resolved AS (
    SELECT received.*,
        CASE WHEN status IN ('result_ready', 'returned', 'rejected')
             THEN least(received_at + r_resolve * (days + 1.5) * interval '1 day', $5) END AS resolved_at,
        ((coalesce(received_at, submitted_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + days) AS due_day
    FROM received
), numbered AS (
    SELECT resolved.*,
        (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS code_day,
        row_number() OVER (PARTITION BY agency, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                           ORDER BY submitted_at, id) AS seq
    FROM resolved
)
INSERT INTO dossiers (id, code, lookup_key, status, procedure_slug, agency_code, owner_id, channel, applicant,
    identity_number, identity_sealed, identity_hash, form, form_sealed, delivery, fee, paid_at, address_flagged,
    submitted_at, received_at, appointment_date, resolved_at, returned_at, result_document, digitized,
    reception_due_at, reception_warn_at, reception_answered_at, reception_warned_at, processing_warned_at,
    created_at, updated_at, rolled_up)
SELECT d.id,
    CASE WHEN d.submitted_at IS NOT NULL THEN d.agency || '-' || to_char(d.code_day, 'YYMMDD') || '-'
        || lpad(d.seq::text, 4, '0') END,
    CASE WHEN d.submitted_at IS NOT NULL THEN
        substr($7, 1 + floor(random() * 31)::int, 1) || substr($7, 1 + floor(random() * 31)::int, 1)
        || substr($7, 1 + floor(random() * 31)::int, 1) || substr($7, 1 + floor(random() * 31)::int, 1)
        || substr($7, 1 + floor(random() * 31)::int, 1) || substr($7, 1 + floor(random() * 31)::int, 1)
        || substr($7, 1 + floor(random() * 31)::int, 1) || substr($7, 1 + floor(random() * 31)::int, 1) END,
    d.status, d.procedure_slug, d.agency,
    CASE WHEN d.channel = 'online' OR d.status <> 'draft' THEN p.user_id END,
    d.channel, p.applicant, NULL, d.identity_sealed, p.identity_hash,
    CASE WHEN d.procedure_slug = $3 THEN $8::jsonb ELSE $9::jsonb END, '{}'::jsonb,
    '{"method": "desk"}'::jsonb,
    CASE WHEN d.procedure_slug = $3 THEN $10 ELSE 0 END,
    CASE WHEN d.procedure_slug = $3 AND d.status IN ('processing', 'result_ready', 'returned')
         THEN d.received_at + interval '10 minutes' END,
    false, d.submitted_at, d.received_at,
    CASE WHEN d.submitted_at IS NOT NULL THEN d.due_day END,
    d.resolved_at,
    CASE WHEN d.status = 'returned' THEN least(d.resolved_at + d.r_delay * interval '3 days', $5) END,
    CASE WHEN d.status IN ('returned', 'result_ready') AND d.r_result < 0.45 THEN $6::uuid END,
    d.channel = 'online' OR d.r_digit < 0.6,
    CASE WHEN d.channel = 'online' AND d.submitted_at IS NOT NULL THEN d.submitted_at + interval '24 hours' END,
    CASE WHEN d.channel = 'online' AND d.submitted_at IS NOT NULL THEN d.submitted_at + interval '23 hours' END,
    CASE WHEN d.channel <> 'online' THEN NULL
         WHEN d.received_at IS NOT NULL THEN d.received_at
         WHEN d.status IN ('supplement_requested', 'rejected')
             THEN least(d.submitted_at + d.r_delay * interval '30 hours', $5) END,
    CASE WHEN d.channel = 'online' AND d.status = 'submitted' AND d.submitted_at + interval '23 hours' < $5
         THEN d.submitted_at + interval '23 hours' END,
    CASE WHEN d.status IN ('received', 'awaiting_payment', 'processing') AND d.due_day < ($5 AT TIME ZONE
         'Asia/Ho_Chi_Minh')::date THEN d.due_day::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' END,
    d.created,
    greatest(d.created, d.submitted_at, d.received_at, d.resolved_at,
             CASE WHEN d.status = 'returned' THEN least(d.resolved_at + d.r_delay * interval '3 days', $5) END),
    d.status IN ('returned', 'rejected', 'withdrawn')  -- closed: the worker's rollup has counted them
FROM numbered d JOIN bench_people p ON p.no = d.person
"""

COUNTERS = """
INSERT INTO dossier_counters (agency_code, day, last)
SELECT agency_code, (submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    max(split_part(code, '-', -1)::int)
FROM dossiers WHERE code IS NOT NULL GROUP BY 1, 2
"""

USERS = """
INSERT INTO users (id, phone, role, full_name, created_at)
SELECT u.id, u.phone, 'citizen', u.full_name, $4
FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u (id, phone, full_name)
"""

RESULT_FILE = """
INSERT INTO files (sha256, size, content_type, created_at)
VALUES ('bench-result', 1, 'application/pdf', now()), ('bench-scan', 184320, 'application/pdf', now());
INSERT INTO documents (id, sha256, file_name, content_type, size, created_at)
VALUES ('00000000-0000-0000-0000-00000000be0c', 'bench-result', 'kq.pdf', 'application/pdf', 1, now());
"""

# the busiest office's papers: the mandatory ones of each procedure, scanned (a document of the
# applicant's wallet each), or for a walk-in not digitized, seen in the original at the counter
PAPERS = """
WITH needed AS (
    SELECT d.id AS dossier_id, d.owner_id, coalesce(d.submitted_at, d.created_at) AS at, d.digitized, r.key
    FROM dossiers d
    CROSS JOIN LATERAL (SELECT * FROM (VALUES ($2, 'declaration-form'), ($2, 'birth-certificate'),
                                              ($3, 'request-form')) AS m (slug, key)
                        WHERE m.slug = d.procedure_slug) r
    WHERE d.agency_code = $1
), scanned AS (
    SELECT gen_random_uuid() AS document_id, needed.* FROM needed WHERE digitized
), wallet AS (
    INSERT INTO documents (id, owner_id, sha256, file_name, content_type, size, created_at)
    SELECT document_id, owner_id, 'bench-scan', key || '.pdf', 'application/pdf', 184320, at FROM scanned
), attached AS (
    INSERT INTO dossier_documents (id, dossier_id, requirement, document_id, created_at)
    SELECT gen_random_uuid(), dossier_id, key, document_id, at FROM scanned
)
INSERT INTO dossier_originals_seen (dossier_id, requirement, seen_by, created_at)
SELECT dossier_id, key, NULL, at FROM needed WHERE NOT digitized
"""

RATINGS = """
INSERT INTO dossier_ratings (dossier_id, score, created_at, agency_code, rolled_up)
SELECT id, 1 + floor(random() * 5)::int, returned_at + interval '1 day', agency_code, true
FROM dossiers WHERE status = 'returned' AND returned_at < $1::timestamptz - interval '1 day' AND random() < 0.33
"""


# every office-month the rolled-up rows fall in (by reception, online submission, rating), for the
# worker's own RECOMPUTE_MONTHS: indicator_months as the worker's rollup leaves it
ROLLED_UP_MONTHS = """
SELECT agency_code, date_trunc('month', received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS month
FROM dossiers WHERE rolled_up AND received_at IS NOT NULL
UNION
SELECT agency_code, date_trunc('month', submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
FROM dossiers WHERE rolled_up AND channel = 'online' AND submitted_at IS NOT NULL
UNION
SELECT agency_code, date_trunc('month', created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
FROM dossier_ratings WHERE rolled_up
ORDER BY 1, 2
"""


async def roll_up_and_count(conn: asyncpg.Connection, now: datetime) -> None:
    """What the fill, as a replica, left undone: the queue's counts (no trigger fired) and the monthly
    rollup of what is closed (the worker's)."""
    await queue.recount(conn)
    months = await conn.fetch(ROLLED_UP_MONTHS, timeout=SEED_SECONDS)
    await conn.execute(
        stats_queries.RECOMPUTE_MONTHS,
        [r["agency_code"] for r in months],
        [r["month"] for r in months],
        now,
        timeout=SEED_SECONDS,
    )


async def fill(url: str, dossiers: int, share: float, people: int, keys: DataKeys, now: datetime) -> None:
    rng = random.Random(23)
    t0 = time.perf_counter()
    citizens = applicants(people, rng, now.astimezone(VN_TZ).date())
    conn = await asyncpg.connect(url, timeout=30)
    try:
        await conn.execute(STAGING)
        await conn.execute(
            USERS, [c.user_id for c in citizens], [c.phone for c in citizens], [c.full_name for c in citizens], now
        )
        await conn.copy_records_to_table(
            "bench_people",
            records=[(i, c.user_id, c.json, keys.lookup_hash(c.identity_number)) for i, c in enumerate(citizens)],
        )
        # one seal per dossier, bound to that dossier as the application binds it
        t1 = time.perf_counter()
        records = []
        for n in range(dossiers):
            dossier_id = uuid.uuid4()
            person = rng.randrange(people)
            records.append(
                (n, dossier_id, person, seal_identity(keys, dossier_id, citizens[person].identity_number).sealed)
            )
        sealed_s = time.perf_counter() - t1
        await conn.copy_records_to_table("bench_seed", records=records)
        del records
        print(
            f"{people} applicants and {dossiers} sealed identities ({sealed_s:.1f} s to seal) staged in"
            f" {time.perf_counter() - t0:.1f} s",
            flush=True,
        )

        t1 = time.perf_counter()
        await conn.execute(RESULT_FILE)
        indexes = await conn.fetch(SECONDARY_INDEXES, "dossiers")
        await conn.execute("; ".join(f"DROP INDEX {r['indexname']}" for r in indexes))
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            await conn.execute("SET LOCAL work_mem = '256MB'")
            await conn.execute(
                FILL,
                share,
                BUSIEST,
                CERTIFICATE,
                BIRTH,
                now,
                "00000000-0000-0000-0000-00000000be0c",
                "23456789ABCDEFGHJKMNPQRSTUVWXYZ",
                to_json(CERTIFICATE_FORM),
                to_json(BIRTH_FORM),
                CERTIFICATE_FEE,
                timeout=SEED_SECONDS,
            )
        print(f"dossiers inserted in {time.perf_counter() - t1:.1f} s", flush=True)
        t1 = time.perf_counter()
        await conn.execute("SET maintenance_work_mem = '512MB'")
        for r in indexes:
            await conn.execute(r["indexdef"], timeout=SEED_SECONDS)
        print(f"{len(indexes)} secondary indexes rebuilt in {time.perf_counter() - t1:.1f} s", flush=True)
        t1 = time.perf_counter()
        await conn.execute(COUNTERS, timeout=SEED_SECONDS)
        await conn.execute(PAPERS, BUSIEST, BIRTH, CERTIFICATE, timeout=SEED_SECONDS)
        await conn.execute(RATINGS, now, timeout=SEED_SECONDS)
        await conn.execute("DROP TABLE bench_seed, bench_people")
        await roll_up_and_count(conn, now)
        tables = ("dossiers", "dossier_documents", "documents", "dossier_originals_seen", "dossier_ratings")
        for table in (*tables, "indicator_months", "office_queue_counts"):
            await conn.execute(f"VACUUM ANALYZE {table}", timeout=SEED_SECONDS)
        print(
            f"counters, papers, ratings, rollup, queue counts, VACUUM ANALYZE in {time.perf_counter() - t1:.1f} s",
            flush=True,
        )
        await check_consistency(conn, now)
        count = await conn.fetchval("SELECT count(*) FROM dossiers")
        busiest = await conn.fetchval("SELECT count(*) FROM dossiers WHERE agency_code = $1", BUSIEST)
        size = await conn.fetchval("SELECT pg_size_pretty(pg_total_relation_size('dossiers'))")
        print(
            f"{count} dossiers ({busiest} at {BUSIEST}; {size} with indexes) in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        mix = await conn.fetch(
            "SELECT status, channel, count(*) FROM dossiers WHERE agency_code = $1 GROUP BY 1, 2 ORDER BY 1, 2", BUSIEST
        )
        print("busiest office: " + ", ".join(f"{r['status']}/{r['channel']} {r['count']}" for r in mix), flush=True)
    finally:
        await conn.close()


# Rules every seeded row must keep; a count above zero is a bug of the fill.
CONSISTENCY = {
    "timestamps out of order or in the future": """
        SELECT count(*) FROM dossiers WHERE submitted_at < created_at OR received_at < submitted_at
            OR resolved_at < received_at OR returned_at < resolved_at OR updated_at > $1
            OR greatest(created_at, submitted_at, received_at, resolved_at, returned_at) > $1""",
    "a code without submission, or a submission without code": """
        SELECT count(*) FROM dossiers WHERE (code IS NULL) <> (submitted_at IS NULL)
            OR (code IS NULL) <> (lookup_key IS NULL) OR length(lookup_key) <> 8""",
    "a status without the dates it implies": """
        SELECT count(*) FROM dossiers WHERE
            (status = 'draft' AND submitted_at IS NOT NULL)
            OR (status <> 'draft' AND submitted_at IS NULL)
            OR (status IN ('received', 'awaiting_payment', 'processing', 'result_ready', 'returned', 'rejected')
                AND (received_at IS NULL OR appointment_date IS NULL))
            OR (status IN ('result_ready', 'returned', 'rejected')) <> (resolved_at IS NOT NULL)
            OR (status = 'returned') <> (returned_at IS NOT NULL)
            OR (status = 'awaiting_payment' AND (fee = 0 OR paid_at IS NOT NULL))
            OR (channel = 'counter' AND status IN ('submitted', 'withdrawn'))
            OR (channel = 'online' AND status <> 'draft' AND reception_due_at IS NULL)""",
    "an identity not sealed": """
        SELECT count(*) FROM dossiers WHERE identity_sealed IS NULL OR identity_number IS NOT NULL""",
}


async def check_consistency(conn: asyncpg.Connection, now: datetime) -> None:
    for rule, sql in CONSISTENCY.items():
        bad = await conn.fetchval(sql, now) if "$1" in sql else await conn.fetchval(sql)
        if bad:
            raise SystemExit(f"the fill broke a rule ({rule}): {bad} rows")


# ---- the reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    name: str
    path: str
    target_p99_ms: float
    statements: tuple[tuple[str, tuple[Any, ...]], ...]  # what the application sends for it, in order
    check: Any  # (answer JSON, connection, read) -> awaitable problem or None


# How many dossiers a list holds by its definition, counted afresh (not from office_queue_counts):
# $1 office, $2 status or null, $3 overdue or null, $4 now, $5 today
DEFINED_TOTAL = f"""
SELECT count(*) FROM dossiers d
WHERE d.agency_code = $1 AND ($2::text IS NULL OR d.status = $2) AND {dossier_queries.REACHED_THE_OFFICE}
    AND ($3::text IS NULL
         OR ($3 = 'reception' AND {dossier_queries.overdue_sql("reception", "$4", "$5")})
         OR ($3 = 'processing' AND {dossier_queries.overdue_sql("processing", "$4", "$5")}))
"""


def reads(now: datetime) -> list[Read]:
    today = now.astimezone(VN_TZ).date()
    year_ago = today - timedelta(days=365)
    base = f"/api/v1/officer/dossiers?agency={BUSIEST}"

    def listing(status: str | None, overdue: Any, limit: int, offset: int) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        given = queue.values(DossierStatus(status) if status else None, overdue, now, today)
        return ((queue.STATEMENTS[(status is not None, overdue)], ([BUSIEST], limit, offset, *given)),)

    def defined(status: str | None, overdue: str | None) -> tuple[Any, ...]:
        return (BUSIEST, status, overdue, now, today)

    low, high, span_low, span_high, first, stop = period_bounds(year_ago, today)
    return [
        Read(
            "queue, offset 1000",
            f"{base}&offset=1000&limit=20",
            100,
            listing(None, None, 20, 1000),
            _check_page(lambda item: True, defined(None, None), expect_items=20),
        ),
        Read(
            "status=submitted",
            f"{base}&status=submitted",
            50,
            listing("submitted", None, 20, 0),
            _check_page(lambda item: item["status"] == "submitted", defined("submitted", None), expect_items=20),
        ),
        Read(
            "overdue=reception",
            f"{base}&overdue=reception",
            50,
            listing(None, "reception", 20, 0),
            _check_page(lambda item: item["overdue"] == "reception", defined(None, "reception"), expect_items=20),
        ),
        Read(
            "stats/on-time, a year",
            f"/api/v1/stats/on-time?agency={BUSIEST}&from={year_ago.isoformat()}&to={today.isoformat()}",
            100,
            ((stats_queries.ON_TIME_ROLLED_UP, (BUSIEST, low, high, today, span_low, span_high, first, stop)),),
            _check_stats((BUSIEST, low, high, today)),
        ),
    ]


PAGE_ITEM_KEYS = {"id", "code", "status", "applicant", "form", "documents", "overdue", "lookup_key", "agency"}
STATS_KEYS = {"agency", "from", "to", "received", "resolved", "early", "on_time", "late", "on_time_rate"}
STATS_COUNTS = ("received", "resolved", "early", "on_time", "late", "pending_overdue")


def _check_page(each: Any, defined: tuple[Any, ...], expect_items: int) -> Any:
    async def check(body: Any, conn: asyncpg.Connection, read: Read) -> str | None:
        if not isinstance(body, dict) or set(body) != {"items", "total"}:
            return f"not a page: {str(body)[:200]}"
        sql, params = read.statements[0]
        rows = [r for r in await conn.fetch(sql, *params) if r["id"] is not None]
        total = await conn.fetchval(DEFINED_TOTAL, *defined)
        if body["total"] != total or not rows:
            return f"total {body['total']}, a fresh count says {total}, and a page of {len(rows)} (too few --dossiers?)"
        if len(body["items"]) != min(expect_items, len(rows)):
            return f"{len(body['items'])} items, {min(expect_items, len(rows))} expected"
        if [i["id"] for i in body["items"]] != [str(r["id"]) for r in rows]:
            return "the items are not the rows of the statement, in its order"
        for item in body["items"]:
            if not set(item) >= PAGE_ITEM_KEYS or not each(item):
                return f"unexpected item: {str(item)[:300]}"
            if not item["code"] or not item["lookup_key"] or "*" not in item["applicant"]["identity_number_masked"]:
                return f"an item without code, key or masked identity: {str(item)[:300]}"
        return None

    return check


def _check_stats(defined: tuple[Any, ...]) -> Any:
    """The answer is the definition's (ON_TIME_STATS over the real tables), though read from the rollup."""

    async def check(body: Any, conn: asyncpg.Connection, read: Read) -> str | None:
        if not isinstance(body, dict) or not set(body) >= STATS_KEYS:
            return f"not on-time statistics: {str(body)[:200]}"
        row = await conn.fetchrow(dossier_queries.ON_TIME_STATS, *defined)
        expected = {k: row[k] for k in STATS_COUNTS}
        if {k: body[k] for k in STATS_COUNTS} != expected or not row["received"]:
            return f"{ {k: body[k] for k in STATS_COUNTS} }, the definition says {expected}"
        return None

    return check


# ---- wrk --------------------------------------------------------------------------------------


@dataclass
class Measured:
    rate: float
    p50: float
    p90: float
    p99: float
    max: float
    requests: int
    non_2xx: int
    errors: str
    server_ms: float
    postgres_ms: float


def wrk(url: str, token: str, connections: int, threads: int, seconds: float) -> str:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + WRK_GRACE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def measure(
    base: str, read: Read, token: str, args: argparse.Namespace, server_pid: int, database: str
) -> tuple[Measured, str]:
    if args.warmup > 0:
        wrk(base + read.path, token, args.connections, args.threads, args.warmup)
    tree = harness.process_tree(server_pid)
    backends, _ = harness.postgres_processes(database)
    server0, pg0 = harness.cpu_seconds(tree), harness.cpu_seconds(backends)
    out = wrk(base + read.path, token, args.connections, args.threads, args.duration)
    server1, pg1 = harness.cpu_seconds(tree), harness.cpu_seconds(backends)
    got = harness.parse_wrk(out)
    done = max(1, got["requests"])
    return Measured(**got, server_ms=(server1 - server0) / done * 1000, postgres_ms=(pg1 - pg0) / done * 1000), out


# ---- plans ------------------------------------------------------------------------------------


PREPARED = "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"


async def plan_cache(url: str, all_reads: list[Read], runs: int) -> list[str]:
    """Which plans a connection's prepared statements run, the reads sent in the order wrk sends them
    (`runs` each, as asyncpg prepares and reuses them): PostgreSQL switches a statement to its generic
    plan after five runs when that plan looks no dearer than the custom ones so far."""
    conn = await asyncpg.connect(url, timeout=10)
    lines = []
    try:
        for read in all_reads:
            before = {r["statement"]: (r["generic_plans"], r["custom_plans"]) for r in await conn.fetch(PREPARED)}
            for _ in range(runs):
                for sql, params in read.statements:
                    await conn.fetch(sql, *params, timeout=120)
            now = {r["statement"]: (r["generic_plans"], r["custom_plans"]) for r in await conn.fetch(PREPARED)}
            for n, (sql, _) in enumerate(read.statements):
                (generic, custom), (g0, c0) = now.get(sql, (0, 0)), before.get(sql, (0, 0))
                plans = f"{generic - g0} generic and {custom - c0} custom plans in {runs} runs"
                lines.append(f"{read.name}, statement {n + 1}: {plans}")
    finally:
        await conn.close()
    return lines


def literal(value: Any) -> str:
    """`value` as an SQL literal (EXECUTE takes no bound parameters); only the types the reads use."""
    if value is None:
        return "NULL"
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(literal(v) for v in value) + "]::text[]"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'::timestamptz"
    if isinstance(value, date):
        return f"'{value.isoformat()}'::date"
    return "'" + str(value).replace("'", "''") + "'"


async def explain(url: str, sql: str, params: tuple[Any, ...], generic: bool) -> str:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        if generic:  # what a prepared statement runs once PostgreSQL prefers its generic plan
            await conn.execute("SET plan_cache_mode = force_generic_plan")
            await conn.execute("PREPARE bench_read AS " + sql)
            arguments = ", ".join(literal(p) for p in params)
            rows = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_read({arguments})", timeout=120)
        else:  # an EXPLAIN with parameters plans its statement for them (a custom plan)
            rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params, timeout=120)
        return "\n".join(r[0] for r in rows)
    finally:
        await conn.close()


async def verify(base: str, token: str, url: str, all_reads: list[Read]) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as http:
            for read in all_reads:
                answer = await http.get(read.path)
                if answer.status_code != 200:
                    raise SystemExit(f"GET {read.path}: {answer.status_code} {answer.text[:500]}")
                problem = await read.check(answer.json(), conn, read)
                if problem:
                    raise SystemExit(f"GET {read.path}: {problem}")
                print(f"checked: GET {read.path} -> 200, {len(answer.content)} bytes", flush=True)
    finally:
        await conn.close()


# The local PostgreSQL may be shared with test suites that take most of its connections for a while:
# connecting is tried again, a bounded number of times, rather than leaving a database behind.
CONNECT_TRIES = 60
CONNECT_PAUSE = 2.0


def busy_cluster(exc: BaseException) -> bool:
    return isinstance(exc, asyncpg.TooManyConnectionsError) or "too many clients" in str(exc)


def patiently(what: str, attempt: Any) -> Any:
    """`attempt()`, tried again while the cluster has no connection to spare."""
    for n in range(CONNECT_TRIES):
        try:
            return attempt()
        except (asyncpg.PostgresError, RuntimeError, OSError) as exc:
            if not busy_cluster(exc) or n == CONNECT_TRIES - 1:
                raise
            print(f"{what}: the cluster has no free connection, trying again", file=sys.stderr, flush=True)
            time.sleep(CONNECT_PAUSE)
    raise AssertionError("unreachable")


@contextlib.contextmanager
def scratch() -> Iterator[harness.Scratch]:
    """harness.scratch(), its creation and its drop tried again on a busy cluster."""
    name = f"motcua_bench_{uuid.uuid4().hex[:8]}"
    run = harness.Scratch(name, harness.database_url(name), Path(tempfile.mkdtemp(prefix="motcua-bench-")))
    created = False
    try:
        patiently("create the database", lambda: asyncio.run(harness.create_database(name)))
        created = True
        print(f"scratch database {name}", flush=True)
        yield run
    finally:
        if created:
            patiently("drop the database", lambda: asyncio.run(harness.drop_database(name)))
        shutil.rmtree(run.dir, ignore_errors=True)


async def probe(url: str) -> None:
    conn = await asyncpg.connect(url, timeout=10)
    await conn.close()


def serve(env: dict[str, str], scratch_dir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """One `motcua serve` worker, ready; stopped again if it is not."""
    port = harness.free_port()
    log = scratch_dir / "server.log"
    server = start_server(env, port, 1, log)
    base = f"http://{harness.HOST}:{port}"
    try:
        wait_ready(base, server, log)
    except BaseException:
        harness.stop(server)
        raise
    return base, server


def load_line(label: str) -> None:
    one, five, fifteen = os.getloadavg()
    print(f"{label}: {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC, load average {one:.2f} {five:.2f} {fifteen:.2f}")


def run(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    load_line("before")
    key = new_data_key()
    with scratch() as db:
        env = harness.bench_env(db.url, db.dir, {"MOTCUA_DATA_KEY": key})
        patiently("motcua migrate", lambda: harness.motcua(["migrate"], env))
        patiently("motcua seed", lambda: harness.motcua(["seed"], env))
        now = datetime.now(UTC)
        patiently("connect", lambda: asyncio.run(probe(db.url)))
        asyncio.run(fill(db.url, args.dossiers, args.busiest_share, args.applicants, DataKeys.from_text(key), now))
        token = patiently(
            "motcua token",
            lambda: harness.motcua(["token", "--phone", OFFICER_PHONE, "--role", "officer", "--agency", BUSIEST], env),
        )
        base, server = patiently("motcua serve", lambda: serve(env, db.dir))
        results: list[tuple[Read, Measured]] = []
        try:
            now = datetime.now(UTC)
            all_reads = reads(now)
            patiently("check the answers", lambda: asyncio.run(verify(base, token, db.url, all_reads)))
            load_line("measuring")
            for read in all_reads:
                got, out = measure(base, read, token, args, server.pid, db.name)
                results.append((read, got))
                if args.verbose:
                    print(out)
                print(
                    f"{read.name}: {got.rate:.0f} req/s, p50 {got.p50:.1f} ms, p99 {got.p99:.1f} ms"
                    f" ({got.requests} requests, {got.non_2xx} non-2xx{', ' + got.errors if got.errors else ''})",
                    flush=True,
                )
        finally:
            harness.stop(server)
        load_line("after")
        print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, one `motcua serve` worker\n")
        print(
            "| read (officer of the busiest office) | req/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx |"
            " server CPU ms/req | PostgreSQL CPU ms/req | target p99 | met |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        missed = 0
        for read, got in results:
            met = got.p99 < read.target_p99_ms and got.non_2xx == 0
            missed += not met
            print(
                f"| `{read.path}` | {got.rate:,.0f} | {got.p50:.1f} | {got.p90:.1f} | {got.p99:.1f} | {got.max:.0f} |"
                f" {got.non_2xx} | {got.server_ms:.2f} | {got.postgres_ms:.2f} | < {read.target_p99_ms:.0f} ms |"
                f" {'yes' if met else 'no'} |"
            )
        if not args.no_plans:
            print("\none connection, the reads in wrk's order:")
            for line in patiently("plan cache", lambda: asyncio.run(plan_cache(db.url, all_reads, args.plan_runs))):
                print(f"- {line}")
            for read in all_reads:
                for n, (sql, params) in enumerate(read.statements):
                    for generic in (False, True) if args.generic_plans else (False,):
                        how = "generic, plan_cache_mode = force_generic_plan" if generic else "custom"
                        print(f"\n--- plan: {read.name}, statement {n + 1} ({how})")
                        plan = patiently(
                            "explain", lambda s=sql, p=params, g=generic: asyncio.run(explain(db.url, s, p, g))
                        )
                        print(plan)
    return 1 if missed and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers in the whole province")
    parser.add_argument("--busiest-share", type=float, default=0.05, help="the busiest office's share of them")
    parser.add_argument("--applicants", type=int, default=5000, help="distinct citizens who file them")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of wrk per read")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of wrk per read before measuring")
    parser.add_argument("--no-plans", action="store_true", help="skip the EXPLAIN (ANALYZE, BUFFERS)")
    parser.add_argument("--generic-plans", action="store_true", help="also show each statement's generic plan")
    parser.add_argument("--plan-runs", type=int, default=10, help="runs of each read to see the plans cached")
    parser.add_argument("--verbose", action="store_true", help="print wrk's whole output")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not 1000 <= args.dossiers <= 20_000_000 or not 0 < args.busiest_share < 1:
        parser.error("--dossiers between 1,000 and 20,000,000, --busiest-share between 0 and 1")
    if not 1 <= args.plan_runs <= 1000:
        parser.error("--plan-runs 1..1000")
    if not 1 <= args.applicants <= 1_000_000 or not 0 < args.duration <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--applicants 1..1,000,000, --duration 0..600 s, --warmup 0..60 s")
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: the scratch database was dropped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
