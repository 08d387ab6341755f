"""asyncpg pool with JSON columns encoded and decoded by msgspec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import asyncpg
import msgspec

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder()


def json_text(value: Any) -> str:
    """JSON for a text parameter cast to jsonb in SQL, as arrays of jsonb need it (`unnest($1::text[])`)."""
    return _encoder.encode(value).decode()


_encode = json_text


def _decode(value: str) -> Any:
    return _decoder.decode(value)


async def _init(conn: asyncpg.Connection) -> None:
    for name in ("json", "jsonb"):
        await conn.set_type_codec(name, encoder=_encode, decoder=_decode, schema="pg_catalog")


async def connect(url: str) -> asyncpg.Connection:
    conn = await asyncpg.connect(url)
    await _init(conn)
    return conn


# asyncpg replaces a connection after 50,000 queries by default, and its pool hands out the most recently
# released connection first: the one connection a busy worker's settling batches use reached that every
# 20 s at 1,000 notifications/s, and its replacement (a new backend, type introspection, every statement
# prepared again) stalled the batches behind it by up to 250 ms (bench/README.md). Connections still go
# after MAX_QUERIES or 5 idle minutes, which bounds what a backend's caches can grow to.
MAX_QUERIES = 5_000_000
# Prepared statements kept per connection. The application sends about two hundred distinct ones; with
# asyncpg's 100 the least used would be prepared again on every use.
STATEMENT_CACHE_SIZE = 512


async def create_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        url,
        min_size=min_size,
        max_size=max_size,
        init=_init,
        max_queries=MAX_QUERIES,
        statement_cache_size=STATEMENT_CACHE_SIZE,
    )
    assert pool is not None
    return pool


@asynccontextmanager
async def acquire(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection, typed as the connection it stands for."""
    async with pool.acquire() as conn:
        yield cast(asyncpg.Connection, conn)
