"""The pool keeps its connections under load: replacing one stalls every request queued behind it."""

from __future__ import annotations

import asyncpg
import pytest

from core.db import acquire, create_pool

ASYNCPG_DEFAULT_MAX_QUERIES = 50_000


async def test_a_busy_connection_is_not_replaced_after_asyncpgs_default_query_count(database_url: str) -> None:
    pool: asyncpg.Pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with acquire(pool) as conn:
            backend = await conn.fetchval("SELECT pg_backend_pid()")
            for _ in range(ASYNCPG_DEFAULT_MAX_QUERIES):
                await conn.execute("SELECT 1")
        async with acquire(pool) as conn:
            # the statement prepared before the 50,000 is still prepared: asked first, so that nothing
            # prepared since on a replacement connection could answer for it
            assert (
                await conn.fetchval(
                    "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT pg_backend_pid()'"
                )
                > 0
            )
            assert await conn.fetchval("SELECT pg_backend_pid()") == backend
    finally:
        await pool.close()


async def _backend_state(database_url: str, pid: int) -> tuple[str, str, int]:
    """The backend's state, the last statement it was sent, and the locks it holds, seen from another session."""
    observer = await asyncpg.connect(database_url)
    try:
        row = await observer.fetchrow(
            "SELECT state, query, (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid AND l.locktype <> 'virtualxid')"
            " AS locks FROM pg_stat_activity a WHERE pid = $1",
            pid,
        )
    finally:
        await observer.close()
    assert row is not None
    return row["state"], row["query"], row["locks"]


async def test_a_clean_connection_goes_back_to_the_pool_without_the_reset_round_trip(database_url: str) -> None:
    pool: asyncpg.Pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with acquire(pool) as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            async with conn.transaction():
                await conn.execute("SET LOCAL work_mem = '7MB'")
                await conn.fetchval("SELECT pg_advisory_xact_lock(42)")
            await conn.fetchval("SELECT 'last' AS statement")
        state, query, locks = await _backend_state(database_url, pid)
        assert (state, query, locks) == ("idle", "SELECT 'last' AS statement", 0)
    finally:
        await pool.close()


async def test_a_connection_released_inside_a_transaction_is_clean_for_its_next_user(database_url: str) -> None:
    pool: asyncpg.Pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with acquire(pool) as conn:
            await conn.execute("CREATE TABLE IF NOT EXISTS pool_probe (n int)")
            await conn.execute("TRUNCATE pool_probe")
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            tx = conn.transaction()
            await tx.start()
            await conn.execute("INSERT INTO pool_probe VALUES (1)")
        async with acquire(pool) as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == pid
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT count(*) FROM pool_probe") == 0
            assert await conn.fetchval("SELECT now() <> clock_timestamp()")  # not inside an older transaction
            await conn.execute("DROP TABLE pool_probe")
    finally:
        await pool.close()


@pytest.mark.filterwarnings("ignore:.*active notification listener")  # asyncpg's, for the listener left on purpose
async def test_session_state_left_by_a_connection_is_reset_for_its_next_user(database_url: str) -> None:
    pool: asyncpg.Pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with acquire(pool) as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            default_work_mem = await conn.fetchval("SHOW work_mem")
            await conn.execute("SET work_mem = '77MB'")
            await conn.fetchval("SELECT set_config('statement_timeout', '4321', false)")
            async with conn.transaction():
                # a plain SET inside a transaction lasts after its COMMIT
                await conn.execute("SET lock_timeout = '1234'")
            await conn.fetchval("SELECT pg_advisory_lock(4242)")
            await conn.add_listener("pool_probe", lambda *_: None)
        async with acquire(pool) as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == pid
            assert await conn.fetchval("SHOW work_mem") == default_work_mem
            assert await conn.fetchval("SHOW statement_timeout") == "0"
            assert await conn.fetchval("SHOW lock_timeout") == "0"
            assert (
                await conn.fetchval("SELECT count(*) FROM pg_locks WHERE pid = $1 AND locktype = 'advisory'", pid) == 0
            )
            assert await conn.fetch("SELECT pg_listening_channels()") == []
    finally:
        await pool.close()


async def test_a_statement_stopped_before_the_server_answered_leaves_no_transaction_open(database_url: str) -> None:
    """asyncpg parses a statement without a Sync: an argument it cannot encode stops it before Bind, and a
    bare prepare() stops there too, the server inside the implicit transaction the Parse opened."""
    pool: asyncpg.Pool = await create_pool(database_url, min_size=1, max_size=1)
    try:
        async with acquire(pool) as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
            with pytest.raises(asyncpg.DataError):
                await conn.fetchval("SELECT count(*) FROM pg_class WHERE relpages > $1::int", "many")
        state, _, locks = await _backend_state(database_url, pid)
        assert (state, locks) == ("idle", 0)
        async with acquire(pool) as conn:
            await conn.prepare("SELECT count(*) FROM pg_class WHERE relpages > $1::int")
        state, _, locks = await _backend_state(database_url, pid)
        assert (state, locks) == ("idle", 0)
    finally:
        await pool.close()
