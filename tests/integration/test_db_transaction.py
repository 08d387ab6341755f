"""`core.db.transaction`: the transaction's id a block reads with its write is the one a lost COMMIT is
looked up by, and the write's own proof decides (tests/integration/test_database_faults.py loses a
creation's COMMIT for real)."""

from __future__ import annotations

import asyncio
from contextlib import suppress

import asyncpg

from core.db import XID_COLUMN, acquire, transaction

PROOF = "SELECT EXISTS (SELECT 1 FROM written_here WHERE n = $1)"


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


async def _claimed_after_a_lost_commit(pool: asyncpg.Pool, given_xid: int, n: int) -> bool:
    """Whether `transaction` claims a write committed whose connection was killed just before its COMMIT,
    the block telling `given_xid` as its id (after a crash, an id whose write never reached the disk is
    handed out again: its fate may then be another transaction's)."""
    claimed = False
    with suppress(asyncpg.InterfaceError):  # giving the killed connection back
        async with acquire(pool) as killer, acquire(pool) as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            try:
                async with transaction(conn, pool, lookup_seconds=3) as written:
                    await conn.execute("INSERT INTO written_here VALUES ($1)", n)
                    written.xid, written.proof = given_xid, (PROOF, (n,))
                    await killer.execute("SELECT pg_terminate_backend($1)", pid)
                    await asyncio.sleep(0.2)  # the server's goodbye reaches the client: COMMIT meets a lost connection
                claimed = True
            except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
                claimed = False
    return claimed


async def test_a_lost_commit_whose_id_says_committed_but_whose_write_is_absent_is_a_fault(
    pool: asyncpg.Pool,
) -> None:
    async with acquire(pool) as conn:
        await conn.execute("DROP TABLE IF EXISTS written_here")
        await conn.execute("CREATE TABLE written_here (n int)")
        try:
            other = await conn.fetchval(f"INSERT INTO written_here VALUES (0) RETURNING {XID_COLUMN}")
            assert not await _claimed_after_a_lost_commit(pool, other, 1)
            assert await conn.fetchval("SELECT count(*) FROM written_here WHERE n = 1") == 0
        finally:
            await conn.execute("DROP TABLE written_here")
