"""What the catalog upkeep tests share: a procedure document as the data file holds it, and putting the
catalog back as seeded once a test edited it."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from api.catalog import refresh
from api.catalog.service import load_catalog_data
from core.db import acquire
from tests.integration.conftest import DEFAULT_NOW

SEEDED = {p.slug: msgspec.json.decode(msgspec.json.encode(p)) for p in load_catalog_data().procedures}


def document(slug: str) -> dict[str, Any]:
    """The seed's document of `slug`, a fresh copy to change."""
    fresh: dict[str, Any] = copy.deepcopy(SEEDED[slug])
    return fresh


document_of = document


def procedure_document(slug: str, *, as_slug: str | None = None) -> dict[str, Any]:
    """A procedure as `motcua catalog export` writes it (the admin routes' body), checked by the suite's day."""
    document = document_of(slug)
    # an edit may not claim a check after its own day, and the suite's clock runs before the data's checks
    day = DEFAULT_NOW.date().isoformat()
    document["verified_on"] = document["verified_on"] and min(document["verified_on"], day)
    for source in document["sources"]:
        source["checked_on"] = min(source["checked_on"], day)
    if as_slug is not None:
        document["slug"] = as_slug
    return document


async def restore(pool: asyncpg.Pool, client: AsyncTestClient[Any], redis_url: str) -> None:
    """The catalog as the seed left it, in the database and (told as any change is) in the test app's memory."""
    async with acquire(pool) as conn, conn.transaction():
        added = await conn.fetch("DELETE FROM procedures WHERE seed_doc IS NULL RETURNING slug")
        edited = await conn.fetch(
            "UPDATE procedures SET doc = seed_doc, version = version + 1 WHERE doc <> seed_doc RETURNING slug, version"
        )
        await conn.execute("UPDATE catalog_revision SET revision = revision + 1")
    redis = Redis.from_url(redis_url)
    try:
        await redis.publish(refresh.CHANNEL, "restored")
    finally:
        await redis.aclose()
    for _ in range(100):
        fresh = [(await client.get(f"/api/v1/procedures/{r['slug']}")).status_code == 404 for r in added] + [
            (await client.get(f"/api/v1/procedures/{r['slug']}")).json().get("version") == r["version"] for r in edited
        ]
        if all(fresh):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the test app did not reload the restored catalog")


@pytest.fixture
async def seeded_catalog(pool: asyncpg.Pool, client: AsyncTestClient[Any], redis_url: str) -> AsyncIterator[None]:
    """For a test that edits the catalog: whatever it changed is undone after it."""
    yield
    await restore(pool, client, redis_url)
