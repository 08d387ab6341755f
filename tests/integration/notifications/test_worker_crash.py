"""A worker process killed in the middle of a batch loses nothing; a second worker finishes it and
no device gets a push twice."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from core.db import acquire
from core.events import EventBus
from core.settings import Settings
from tests.integration.conftest import PROJECT, TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.push_helpers import EN_TABLET, VI_PHONE, outbox_statuses, start_worker, status_change
from tests.integration.standins.fcm import Behaviour, FcmStandin

DOSSIERS = 8


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    with FcmStandin(PROJECT, hang_seconds=60) as standin:
        yield standin


async def test_sigkill_mid_batch_loses_nothing_and_sends_nothing_twice(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings, fcm: FcmStandin
) -> None:
    citizen = await make_token("0912950001")
    for token in (VI_PHONE, EN_TABLET):
        await client.put(
            f"/api/v1/devices/{token}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
        )
    for _ in range(DOSSIERS):
        await submitted_dossier(client, citizen)
    assert await outbox_statuses(pool) == Counter({"pending": DOSSIERS})

    fcm.fail_all = Behaviour.HANG
    first = start_worker(settings, fcm)
    try:
        async with asyncio.timeout(60):
            while not fcm.requests:  # the worker is now in the middle of sending its batch
                await asyncio.sleep(0.1)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert await outbox_statuses(pool) == Counter({"pending": DOSSIERS})

    fcm.fail_all = None
    second = start_worker(settings, fcm)
    try:
        async with asyncio.timeout(90):
            while (await outbox_statuses(pool)).get("done", 0) < DOSSIERS:
                await asyncio.sleep(0.2)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    sent = Counter((m["data"]["event_id"], m["token"]) for m in fcm.messages)
    assert len(sent) == DOSSIERS * 2 and set(sent.values()) == {1}
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM push_deliveries WHERE status = 'sent'") == DOSSIERS * 2


BURST = 150  # status changes of one citizen with two phones: 300 pushes


async def test_a_worker_killed_mid_burst_hands_over_within_30_s_and_resends_only_what_it_had_not_recorded(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings
) -> None:
    """A worker SIGKILLed while a burst of pushes is going out to a busy FCM, with the default lease:
    another worker started at once sends every push within 30 s of the kill (it was 126 s), the
    deliveries recorded before the kill are not sent again (pushes are recorded per group of 20), and
    every push carries the dossier id as its Android tag and APNs collapse id, so whatever is sent
    twice replaces itself on the phone."""
    citizen = await make_token("0912950002")
    for token in (VI_PHONE, EN_TABLET):
        await client.put(
            f"/api/v1/devices/{token}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
        )
    async with acquire(pool) as conn:
        owner = await conn.fetchval("SELECT id FROM users WHERE phone = '0912950002'")
        async with conn.transaction():
            for n in range(BURST):
                await EventBus().publish(conn, status_change(owner, n))
    expected = BURST * 2

    with FcmStandin(PROJECT, answer_every=0.008) as fcm:
        first = start_worker(settings, fcm, lease=None)
        try:
            async with asyncio.timeout(90):
                while await _delivered(pool) < 60:  # mid-burst: some groups answered and recorded
                    await asyncio.sleep(0.02)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        killed_at = time.monotonic()
        arrived_before = len(fcm.messages)
        async with acquire(pool) as conn:
            recorded = {
                (str(r["event_id"]), r["token"])
                for r in await conn.fetch("SELECT event_id, token FROM push_deliveries")
            }
        assert len(recorded) < arrived_before < expected  # killed mid-burst, with pushes in flight

        second = start_worker(settings, fcm, lease=None)
        try:
            async with asyncio.timeout(40):
                while len({(m["data"]["event_id"], m["token"]) for m in fcm.messages}) < expected:
                    await asyncio.sleep(0.1)
            async with asyncio.timeout(20):
                while (await outbox_statuses(pool)).get("done", 0) < BURST:
                    await asyncio.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        arrivals = fcm.arrivals

    first_arrival: dict[tuple[str, str], float] = {}
    for at, message in arrivals:
        first_arrival.setdefault((message["data"]["event_id"], message["token"]), at)
    assert len(first_arrival) == expected
    assert max(first_arrival.values()) - killed_at < 30
    for _, message in arrivals:
        dossier = message["data"]["dossier_id"]
        assert message["android"]["notification"]["tag"] == dossier
        assert message["apns"]["headers"]["apns-collapse-id"] == dossier
    sent = Counter((m["data"]["event_id"], m["token"]) for _, m in arrivals)
    twice = {pair for pair, times in sent.items() if times > 1}
    assert not twice & recorded  # what was recorded before the kill is never sent again
    assert len(twice) <= arrived_before - len(recorded)


async def _delivered(pool: asyncpg.Pool) -> int:
    async with acquire(pool) as conn:
        count: int = await conn.fetchval("SELECT count(*) FROM push_deliveries")
        return count
