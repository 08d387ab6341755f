"""A worker process killed in the middle of a batch loses nothing; a second worker finishes it and
no device gets a push twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from core.db import acquire
from core.settings import Settings
from tests.integration.conftest import PROJECT, TokenFactory, bearer
from tests.integration.notifications.test_pushes import EN_TABLET, VI_PHONE, submitted
from tests.integration.standins.fcm import Behaviour, FcmStandin

ROOT = Path(__file__).resolve().parents[3]
DOSSIERS = 8


@pytest.fixture
def fcm() -> Iterator[FcmStandin]:
    with FcmStandin(PROJECT, hang_seconds=60) as standin:
        yield standin


def start_worker(settings: Settings, fcm: FcmStandin) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": str(settings.database_url),
        "REDIS_URL": str(settings.redis_url),
        "MOTCUA_JWT_SECRET": settings.jwt_secret,
        "MOTCUA_DATA_DIR": settings.data_dir,
        "MOTCUA_FIREBASE_CREDENTIALS": "anonymous",
        "MOTCUA_FIREBASE_PROJECT_ID": PROJECT,
        "MOTCUA_FCM_BASE_URL": fcm.url,
        "MOTCUA_OUTBOX_LEASE_SECONDS": "3",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


async def outbox_statuses(pool: asyncpg.Pool) -> Counter[str]:
    """The dossier moves' rows only: on the wall clock the worker also announces the reception
    deadlines these dossiers (submitted on the tests' fixed date) have long passed."""
    async with acquire(pool) as conn:
        rows = await conn.fetch("SELECT status FROM outbox WHERE topic = 'dossier.status_changed'")
        return Counter(r["status"] for r in rows)


async def test_sigkill_mid_batch_loses_nothing_and_sends_nothing_twice(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, settings: Settings, fcm: FcmStandin
) -> None:
    citizen = await make_token("0912950001")
    for token in (VI_PHONE, EN_TABLET):
        await client.put(
            f"/api/v1/devices/{token}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
        )
    for _ in range(DOSSIERS):
        await submitted(client, citizen)
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
