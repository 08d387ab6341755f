"""Redis client factory and key names (motcua:<area>:<id>)."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    return Redis.from_url(url, decode_responses=False, health_check_interval=30)


def key(area: str, *parts: str) -> str:
    return ":".join(("motcua", area, *parts))
