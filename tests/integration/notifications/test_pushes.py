"""Pushes and the inbox from real dossier events, through the real firebase-admin to a stand-in FCM."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from core.clock import FixedClock, SystemClock
from core.db import acquire
from notifications.realtime import LivePublisher
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import PDF, upload
from tests.integration.push_helpers import EN_TABLET, VI_PHONE, drain
from tests.integration.standins.fcm import Behaviour, FcmStandin

OLD_PHONE = "fcm-old-" + "c" * 40


async def walk(client: AsyncTestClient[Any], citizen: str, make_token: TokenFactory, clock: FixedClock) -> str:
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900900001", "officer", (dossier["agency"]["code"],))
    url = f"/api/v1/officer/dossiers/{dossier['id']}/actions"
    for action in ("receive", "start_processing"):
        clock.advance(timedelta(minutes=1))
        assert (await client.post(url, json={"action": action}, headers=bearer(officer))).status_code == 200
    await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/result",
        headers=bearer(officer),
        **upload("kq.pdf", PDF, "application/pdf"),
    )
    for action in ("approve", "return"):
        clock.advance(timedelta(minutes=1))
        assert (await client.post(url, json={"action": action}, headers=bearer(officer))).status_code == 200
    return str(dossier["id"])


async def test_every_step_pushes_once_per_device_in_its_language(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await make_token("0912900001")
    for token, platform, locale in (
        (VI_PHONE, "android", "vi"),
        (EN_TABLET, "ios", "en"),
        (OLD_PHONE, "android", "vi"),
    ):
        response = await client.put(
            f"/api/v1/devices/{token}", json={"platform": platform, "locale": locale}, headers=bearer(citizen)
        )
        assert response.status_code == 200, response.text
    fcm.behave(OLD_PHONE, Behaviour.UNREGISTERED)
    dossier_id = await walk(client, citizen, make_token, clock)

    assert (
        await drain(pool, clock, sender) == 5
    )  # submitted, received, processing, result_ready, returned + ... draft none
    steps = ["dossier.submitted", "dossier.received", "dossier.processing", "dossier.result_ready", "dossier.returned"]
    sent = Counter((m["token"], m["data"]["type"]) for m in fcm.messages)
    for step in steps:
        assert sent[(VI_PHONE, step)] == 1 and sent[(EN_TABLET, step)] == 1, step
    assert all(m["data"]["dossier_id"] == dossier_id for m in fcm.messages)
    received_vi = next(m for m in fcm.messages if m["token"] == VI_PHONE and m["data"]["type"] == "dossier.received")
    received_en = next(m for m in fcm.messages if m["token"] == EN_TABLET and m["data"]["type"] == "dossier.received")
    assert "đã được tiếp nhận" in received_vi["notification"]["body"]
    assert "23/11/2026" in received_vi["notification"]["body"]
    assert received_en["notification"]["title"] == "Dossier received"
    assert set(received_vi["data"]) >= {"dossier_id", "code", "status", "event_id", "type"}

    async with acquire(pool) as conn:
        tokens = {r["token"] for r in await conn.fetch("SELECT token FROM devices")}
    assert tokens == {VI_PHONE, EN_TABLET}  # the unregistered one is forgotten

    inbox = (await client.get("/api/v1/notifications", headers=bearer(citizen))).json()
    assert inbox["total"] == inbox["unread"] == 5
    assert inbox["items"][0]["data"]["type"] == "dossier.returned"
    read = await client.post(f"/api/v1/notifications/{inbox['items'][0]['id']}/read", headers=bearer(citizen))
    assert read.status_code == 204
    assert (await client.get("/api/v1/notifications", headers=bearer(citizen))).json()["unread"] == 4

    assert await drain(pool, clock, sender) == 0  # nothing is sent twice


async def test_a_throttled_device_is_retried_without_resending_to_the_others(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await make_token("0912900002")
    for token in (VI_PHONE, EN_TABLET):
        await client.put(
            f"/api/v1/devices/{token}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
        )
    fcm.behave(EN_TABLET, Behaviour.QUOTA_EXCEEDED)
    await submitted_dossier(client, citizen)
    assert await drain(pool, clock, sender) == 1
    async with acquire(pool) as conn:
        row = await conn.fetchrow("SELECT status, available_at, last_error FROM outbox")
    assert row is not None and row["status"] == "pending"
    assert (row["available_at"] - clock.now()).total_seconds() == pytest.approx(7, abs=1)  # Retry-After honoured
    fcm.behave(EN_TABLET, None)
    clock.advance(timedelta(seconds=8))
    assert await drain(pool, clock, sender) == 1
    per_token = Counter(m["token"] for m in fcm.messages)
    assert per_token == Counter({VI_PHONE: 1, EN_TABLET: 1})


async def test_muted_status_pushes_still_reach_the_inbox(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await make_token("0912900003")
    await client.put(
        f"/api/v1/devices/{VI_PHONE}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
    )
    prefs = await client.put("/api/v1/notifications/preferences", json={"push_status": False}, headers=bearer(citizen))
    assert prefs.json() == {"push_status": False, "push_payment": True, "push_reminder": True, "sms_status": True}
    await submitted_dossier(client, citizen)
    await drain(pool, clock, sender)
    assert fcm.messages == []
    assert (await client.get("/api/v1/notifications", headers=bearer(citizen))).json()["total"] == 1


async def test_device_tokens_are_validated_and_move_between_accounts(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    first = await make_token("0912900004")
    second = await make_token("0912900005")
    bad = await client.put("/api/v1/devices/x", json={"platform": "android"}, headers=bearer(first))
    assert bad.status_code == 422
    await client.put(f"/api/v1/devices/{VI_PHONE}", json={"platform": "android"}, headers=bearer(first))
    await client.put(
        f"/api/v1/devices/{VI_PHONE}", json={"platform": "android", "locale": "en"}, headers=bearer(second)
    )
    assert (await client.delete(f"/api/v1/devices/{VI_PHONE}", headers=bearer(first))).status_code == 404
    assert (await client.delete(f"/api/v1/devices/{VI_PHONE}", headers=bearer(second))).status_code == 204


async def test_an_open_app_gets_the_notification_live(
    live_server: str, make_token: TokenFactory, redis_url: str, clock: FixedClock
) -> None:
    """Through a real server (the test client buffers whole responses): the worker publishes on
    Redis, the API process holding the connection relays it."""
    clock.set(SystemClock().now())  # the server checks tokens against the wall clock
    citizen = await make_token("0912900006")
    principal_id = await _user_id(make_token, citizen)
    redis = Redis.from_url(redis_url)
    received: list[str] = []
    try:
        async with (
            httpx.AsyncClient(base_url=live_server, timeout=10) as http,
            http.stream("GET", "/api/v1/notifications/stream", headers=bearer(citizen)) as stream,
        ):
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.aiter_lines()
            async with asyncio.timeout(10):
                assert await anext(lines) == "event: ready"
                await LivePublisher(redis).publish(principal_id, {"type": "dossier.received", "title": "t"})
                async for line in lines:
                    received.append(line)
                    if line.startswith("data: ") and "event: notification" in received:
                        break
    finally:
        await redis.aclose()
    assert "event: notification" in received
    assert json.loads(received[-1].removeprefix("data: "))["type"] == "dossier.received"


async def _user_id(make_token: TokenFactory, token: str) -> uuid.UUID:
    from core.auth import verify_access_token
    from tests.integration.conftest import JWT_SECRET

    return verify_access_token(token, secret=JWT_SECRET, now=SystemClock().now()).user_id


async def test_the_stream_needs_a_signed_in_user(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/api/v1/notifications/stream")).status_code == 401
