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
            assert await conn.fetchval("SELECT pg_backend_pid()") == backend
            # and prepared statements are still prepared: the same connection, not a look-alike
            assert await conn.fetchval("SELECT count(*) FROM pg_prepared_statements") > 0
    finally:
        await pool.close()
