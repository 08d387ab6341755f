"""The officers' queue read one page at a time: its order and totals are the definition's (every
dossier that reached the office, oldest submission first), whatever the filter, offset or offices;
and the counts the totals come from (office_queue_counts, kept by trigger) equal a fresh COUNT after
every kind of move, a fold, and a bulk load that fires no trigger followed by a recount."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.dossiers import queue
from api.dossiers.queries import REACHED_THE_OFFICE, overdue_sql
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from core.paging import MAX_OFFSET
from tests.integration.api.onestop_helpers import ONESTOP_URL, onestop_signed
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, paid_dossier, scan, submitted_dossier
from tests.integration.helpers import BEN_THANH, SAI_GON, applicant, birth_registration

KEPT = """
SELECT agency_code, status, sum(dossiers) AS n FROM office_queue_counts
GROUP BY agency_code, status HAVING sum(dossiers) <> 0 ORDER BY 1, 2
"""
FRESH = f"""
SELECT d.agency_code, d.status, count(*) AS n FROM dossiers d WHERE {REACHED_THE_OFFICE}
GROUP BY 1, 2 ORDER BY 1, 2
"""

# the list's definition, as one statement over the whole table (what the queue answered before it was
# read one page at a time): $1 offices, $2 status or null, $3 overdue or null, $4 now, $5 today
DEFINITION = f"""
SELECT d.id FROM dossiers d
WHERE d.agency_code = ANY($1::text[]) AND ($2::text IS NULL OR d.status = $2) AND {REACHED_THE_OFFICE}
    AND ($3::text IS NULL
         OR ($3 = 'reception' AND {overdue_sql("reception", "$4", "$5")})
         OR ($3 = 'processing' AND {overdue_sql("processing", "$4", "$5")}))
ORDER BY d.submitted_at ASC NULLS LAST, d.created_at ASC, d.id
"""

# a copy of every dossier of the office, as a bulk load (pg_restore, the bench's fill) writes it:
# as a replica, so no trigger fires
BULK_COPY = """
CREATE TEMP TABLE copied AS SELECT * FROM dossiers WHERE agency_code = $1;
UPDATE copied SET id = gen_random_uuid(), code = code || '-copy';
SET session_replication_role = replica;
INSERT INTO dossiers SELECT * FROM copied;
SET session_replication_role = origin;
DROP TABLE copied;
"""


async def assert_counts_exact(conn: asyncpg.Connection) -> None:
    kept = [tuple(r) for r in await conn.fetch(KEPT)]
    assert kept == [tuple(r) for r in await conn.fetch(FRESH)]


async def test_every_statement_of_the_queue_prepares(pool: asyncpg.Pool) -> None:
    async with acquire(pool) as conn:
        for statement in queue.STATEMENTS.values():
            await conn.prepare(statement)
        await conn.prepare(queue.FOLD)


async def a_story_of_moves(client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock) -> str:
    """Dossiers at Bến Thành in most statuses, moved by every kind of actor; the officer's token."""
    citizen = await make_token("0912400001")
    officer = await make_token("0900400001", "officer", (BEN_THANH,))
    online = [await submitted_dossier(client, citizen) for _ in range(6)]
    draft = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))).json()
    for dossier in (draft, online[0]):  # a draft never reached the office; a submitted one leaves its queue
        assert (
            await client.post(f"/api/v1/dossiers/{dossier['id']}/withdraw", headers=bearer(citizen))
        ).status_code == 200
    assert (await act(client, officer, online[1]["id"], action="receive")).status_code == 200
    assert (await act(client, officer, online[1]["id"], action="start_processing")).status_code == 200
    moved = await act(client, officer, online[2]["id"], action="request_supplement", missing=["birth-certificate"])
    assert moved.status_code == 200, moved.text
    assert (await act(client, officer, online[3]["id"], action="reject", reason="Sai thẩm quyền")).status_code == 200
    event = {
        "event_id": "QUEUE-1",
        "dossier_code": online[4]["code"],
        "action": "receive",
        "occurred_at": clock.now().isoformat(),
        "actor": {"id": "cb-1", "name": "Lê Văn Bình", "agency": BEN_THANH},
    }
    assert (await client.post(ONESTOP_URL, **onestop_signed(event, clock))).status_code == 200
    walk_in_draft = await filed_at_counter(client, officer)  # a counter draft is the office's from the start
    received = await filed_at_counter(client, officer)
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, received["id"], key)).status_code == 201
    assert (await act(client, officer, received["id"], action="receive")).status_code == 200
    assert walk_in_draft["status"] == "draft"
    seen = await client.post(
        f"/api/v1/officer/dossiers/{walk_in_draft['id']}/documents",
        json={"requirement": "birth-certificate", "original_seen": True},
        headers=bearer(officer),
    )
    assert seen.status_code == 201, seen.text
    await paid_dossier(client, make_token, clock, "0912400002")  # received, awaiting the fee, settled by the bank
    return officer


async def test_the_kept_counts_equal_a_fresh_count_after_every_kind_of_move(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    async with acquire(pool) as conn:
        await assert_counts_exact(conn)
        await a_story_of_moves(client, make_token, clock)
        await assert_counts_exact(conn)
        assert await conn.fetchval("SELECT count(*) FROM office_queue_counts WHERE dossiers < 0") > 0

        assert await queue.fold(pool) > 0
        await assert_counts_exact(conn)
        folded = "SELECT count(*) FROM office_queue_counts GROUP BY agency_code, status HAVING count(*) > 1"
        assert await conn.fetch(folded) == []
        assert await queue.fold(pool) == 0

        await conn.execute(BULK_COPY.replace("$1", f"'{BEN_THANH}'"))
        kept = await conn.fetchval("SELECT sum(dossiers) FROM office_queue_counts")
        assert kept < await conn.fetchval(f"SELECT count(*) FROM dossiers d WHERE {REACHED_THE_OFFICE}")
        await queue.recount(conn)
        await assert_counts_exact(conn)


async def test_every_page_and_total_is_the_definitions(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, pool: asyncpg.Pool
) -> None:
    officer = await a_story_of_moves(client, make_token, clock)
    other = await make_token("0912400003")
    elsewhere = birth_registration(applicant=applicant(address="45 Nguyễn Huệ, phường Sài Gòn, TP.HCM"))
    for _ in range(3):
        assert (await submitted_dossier(client, other, elsewhere))["agency"]["code"] == SAI_GON
    both = await make_token("0900400002", "officer", (BEN_THANH, SAI_GON))
    clock.advance(timedelta(days=3))  # what was submitted is past its reception deadline, the received past their date
    now = clock.now()
    today = now.astimezone(VN_TZ).date()
    cases: list[tuple[str, list[str], dict[str, str]]] = [
        (officer, [BEN_THANH], {"agency": BEN_THANH}),
        (officer, [BEN_THANH], {"status": "submitted"}),
        (officer, [BEN_THANH], {"status": "draft"}),
        (officer, [BEN_THANH], {"overdue": "reception"}),
        (officer, [BEN_THANH], {"overdue": "processing"}),
        (officer, [BEN_THANH], {"overdue": "processing", "status": "processing"}),
        (both, [BEN_THANH, SAI_GON], {}),
        (both, [BEN_THANH, SAI_GON], {"status": "submitted"}),
        (both, [BEN_THANH, SAI_GON], {"overdue": "reception"}),
    ]
    async with acquire(pool) as conn:
        for token, offices, query in cases:
            expected = [
                str(r["id"])
                for r in await conn.fetch(DEFINITION, offices, query.get("status"), query.get("overdue"), now, today)
            ]
            assert expected or query.get("status") == "draft" or query.get("overdue") == "processing", query
            seen: list[str] = []
            for offset in range(0, len(expected) + 2, 2):
                response = await client.get(
                    "/api/v1/officer/dossiers", params={**query, "limit": 2, "offset": offset}, headers=bearer(token)
                )
                assert response.status_code == 200, response.text
                body = response.json()
                assert body["total"] == len(expected), (query, offset)  # past the end too
                seen += [d["id"] for d in body["items"]]
            assert seen == expected, query
        farthest = await client.get(
            "/api/v1/officer/dossiers", params={"limit": 100, "offset": MAX_OFFSET}, headers=bearer(officer)
        )
        assert farthest.status_code == 200, farthest.text
        assert farthest.json()["items"] == [] and farthest.json()["total"] > 0
        # an item of a page is the dossier as its own page shows it, papers and originals seen included
        listed = (await client.get("/api/v1/officer/dossiers", params={"limit": 100}, headers=bearer(officer))).json()
        assert any(d["documents"] for d in listed["items"]) and any(d["originals_seen"] for d in listed["items"])
        for item in listed["items"]:
            alone = await client.get(f"/api/v1/officer/dossiers/{item['id']}", headers=bearer(officer))
            assert alone.json() == item
