"""Whether a process can do its work: PostgreSQL and Redis answer, each within a bound (a probe has a
timeout of its own, and a server that stopped answering must not hold it). Served by the API's
`/health/ready` and by the worker's probe port."""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
from redis.asyncio import Redis

CHECK_SECONDS = 2.0


class Readiness(msgspec.Struct, frozen=True):
    status: str  # ok | unavailable
    checks: dict[str, str]  # postgres, redis: "ok" or "down: <error>"

    @property
    def ok(self) -> bool:
        return self.status == "ok"


async def readiness(pool: asyncpg.Pool, redis: Redis) -> Readiness:
    checks: dict[str, str] = {}
    try:
        async with pool.acquire(timeout=CHECK_SECONDS) as conn:
            await conn.fetchval("SELECT 1", timeout=CHECK_SECONDS)
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"down: {type(exc).__name__}"
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return Readiness("ok" if healthy else "unavailable", checks)
