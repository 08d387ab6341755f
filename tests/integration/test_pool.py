"""The pool keeps its connections under load: replacing one stalls every request queued behind it."""

from __future__ import annotations

import asyncpg

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
