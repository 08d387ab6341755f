"""The fixed-window limiter against a real Redis: counts, the window's expiry, the answer past the limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from core.clock import FixedClock
from core.errors import RateLimitedError
from core.ratelimit import RateLimiter

AT = datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)
WINDOW = f"motcua:rl:test-area:1.2.3.4:{int(AT.timestamp()) // 60}"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_the_hit_past_the_limit_is_refused_until_the_next_minute(redis: Redis) -> None:
    await redis.script_flush()  # as a Redis just restarted: the script is not known there yet
    clock = FixedClock(AT)
    limiter = RateLimiter(redis, clock)
    for _ in range(3):
        await limiter.hit("test-area", "1.2.3.4", 3)
    assert await redis.get(WINDOW) == b"3"
    assert 0 < await redis.ttl(WINDOW) <= 61  # each window goes by itself
    with pytest.raises(RateLimitedError) as refused:
        await limiter.hit("test-area", "1.2.3.4", 3)
    assert refused.value.retry_after == 45
    await limiter.hit("test-area", "5.6.7.8", 3)  # another client has its own count
    clock.set(datetime(2026, 12, 6, 9, 31, 0, tzinfo=UTC))
    await limiter.hit("test-area", "1.2.3.4", 3)


async def test_a_limiter_that_is_off_counts_nothing(redis: Redis) -> None:
    limiter = RateLimiter(redis, FixedClock(AT), enabled=False)
    for _ in range(5):
        await limiter.hit("test-area", "1.2.3.4", 1)
    assert await redis.get(WINDOW) is None
