"""FCM hanging, then down, under a real `motcua worker`: the API stays fast and, once FCM is back,
every push arrives, once per device, and no outbox row is given up."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.db import acquire
from core.events import EventBus
from core.settings import Settings
from tests.integration.conftest import PROJECT, TokenFactory, bearer
from tests.integration.push_helpers import EN_TABLET, VI_PHONE, outbox_statuses, start_worker, status_change
from tests.integration.standins.fcm import Behaviour, FcmStandin

EVENTS = 20


async def test_fcm_hanging_then_down_keeps_the_api_fast_and_loses_nothing(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings
) -> None:
    citizen = await make_token("0912950003")
    for token in (VI_PHONE, EN_TABLET):
        await client.put(
            f"/api/v1/devices/{token}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
        )
    async with acquire(pool) as conn:
        owner: uuid.UUID = await conn.fetchval("SELECT id FROM users WHERE phone = '0912950003'")
        async with conn.transaction():
            for n in range(EVENTS):
                await EventBus().publish(conn, status_change(owner, n))

    slowest = 0.0
    with FcmStandin(PROJECT, hang_seconds=40) as fcm:
        fcm.fail_all = Behaviour.HANG  # no answer at all: each send gives up after the sender's 10 s
        worker = start_worker(settings, fcm, lease=None)
        try:
            for outage, seconds in ((Behaviour.HANG, 14.0), (Behaviour.UNAVAILABLE, 8.0)):
                fcm.fail_all = outage
                until = time.monotonic() + seconds
                while time.monotonic() < until:
                    started = time.monotonic()
                    response = await client.get("/api/v1/notifications", headers=bearer(citizen))
                    assert response.status_code == 200
                    slowest = max(slowest, time.monotonic() - started)
                    await asyncio.sleep(0.5)
            assert fcm.requests and not fcm.messages  # tried, and nothing got through
            fcm.fail_all = None
            async with asyncio.timeout(60):
                while (await outbox_statuses(pool)).get("done", 0) < EVENTS:
                    assert worker.poll() is None
                    await asyncio.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        sent = Counter((m["data"]["event_id"], m["token"]) for m in fcm.messages)
    assert slowest < 1.0, slowest
    assert len(sent) == EVENTS * 2 and set(sent.values()) == {1}
    assert await outbox_statuses(pool) == Counter({"done": EVENTS})
