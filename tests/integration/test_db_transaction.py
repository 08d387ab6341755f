"""`core.db.transaction`: the transaction's id a block reads with its write is the one a lost COMMIT is
looked up by (tests/integration/test_database_faults.py loses a creation's COMMIT for real)."""

from __future__ import annotations

import asyncpg

from core.db import XID_COLUMN, acquire, transaction


async def test_the_id_a_write_returns_is_its_transactions(pool: asyncpg.Pool) -> None:
    async with acquire(pool) as conn:
        await conn.execute("CREATE TEMP TABLE written_here (n int)")
        try:
            async with transaction(conn, pool) as written:
                row = await conn.fetchrow(f"INSERT INTO written_here VALUES (1) RETURNING n, {XID_COLUMN}")
                assert row is not None
                written.xid = row["xid"]
                assert written.xid == await conn.fetchval("SELECT pg_current_xact_id_if_assigned()")
            assert await conn.fetchval("SELECT pg_xact_status($1::xid8)", written.xid) == "committed"
            assert await conn.fetchval("SELECT count(*) FROM written_here") == 1
        finally:
            await conn.execute("DROP TABLE written_here")
