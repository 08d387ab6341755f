"""`motcua officer list|disable|enable`: a disabled account's tokens answer 401 at once."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from api.accounts.disabled import CHANNEL, DisabledAccounts, announce
from api.accounts.service import issue_tokens
from api.accounts.sms import MemorySmsSender
from core.clock import FixedClock
from core.db import acquire
from core.settings import Settings
from tests.integration.commands import amotcua
from tests.integration.conftest import TokenFactory, bearer

BEN_THANH = "000.01.14.H29"


async def _token_pair(pool: asyncpg.Pool, settings: Settings, clock: FixedClock, phone: str) -> dict[str, Any]:
    """What signing in gives (the one-time code is kept for after the account is disabled)."""
    async with acquire(pool) as conn:
        user_id = await conn.fetchval("SELECT id FROM users WHERE phone = $1", phone)
        pair = await issue_tokens(conn, user_id=user_id, settings=settings, clock=clock)
    return {"access_token": pair.access_token, "refresh_token": pair.refresh_token}


async def test_a_disabled_officer_is_refused_at_once_and_back_when_enabled(
    client: AsyncTestClient[Any],
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FixedClock,
    make_token: TokenFactory,
    sms: MemorySmsSender,
) -> None:
    officer = await make_token("0900111001", "officer", (BEN_THANH,))
    colleague = await make_token("0900111002", "officer", (BEN_THANH,))
    pair = await _token_pair(pool, settings, clock, "0900111001")
    for token in (officer, pair["access_token"]):
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200

    result = await amotcua(settings, "officer", "disable", "--phone", "0900 111 001")
    assert result.returncode == 0, result.stderr
    confirmed = int(result.stdout.split("; ")[1].split()[0])
    assert result.stdout.startswith("0900111001 disabled;") and confirmed >= 1  # this test's app, at least

    for token in (officer, pair["access_token"]):  # no wait: the app applied it before the command returned
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer(colleague))).status_code == 200
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    assert (await client.post("/api/v1/auth/otp", json={"phone": "0900111001"})).status_code == 202
    again = await client.post("/api/v1/auth/token", json={"phone": "0900111001", "otp": sms.sent["0900111001"]})
    assert again.status_code == 401

    minted = await amotcua(settings, "token", "--phone", "0900111001", "--role", "officer", "--agency", BEN_THANH)
    assert minted.returncode == 1
    assert "0900111001 is disabled" in minted.stderr

    listed = await amotcua(settings, "officer", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in listed.stdout.splitlines()}
    assert rows["0900111001"][1:4] == ["officer", "disabled", BEN_THANH]
    assert rows["0900111002"][1:4] == ["officer", "active", BEN_THANH]

    result = await amotcua(settings, "officer", "enable", "--phone", "0900111001")
    assert result.returncode == 0, result.stderr
    assert (await client.get("/api/v1/me", headers=bearer(officer))).status_code == 200
    fresh = await _token_pair(pool, settings, clock, "0900111001")
    assert (await client.get("/api/v1/me", headers=bearer(fresh["access_token"]))).status_code == 200


async def test_only_officers_and_admins_are_disabled(
    client: AsyncTestClient[Any], settings: Settings, make_token: TokenFactory
) -> None:
    citizen = await make_token("0912000321")
    result = await amotcua(settings, "officer", "disable", "--phone", "0912000321")
    assert result.returncode == 1
    assert "no officer or admin with phone 0912000321" in result.stderr
    assert (await client.get("/api/v1/me", headers=bearer(citizen))).status_code == 200


async def test_a_process_that_starts_later_reads_the_disabled_accounts(
    pool: asyncpg.Pool, settings: Settings, make_token: TokenFactory
) -> None:
    await make_token("0900111003", "admin")
    result = await amotcua(settings, "officer", "disable", "--phone", "0900111003")
    assert result.returncode == 0, result.stderr
    disabled = DisabledAccounts()
    await disabled.load(pool)
    async with pool.acquire() as conn:
        user_id = await conn.fetchval("SELECT id FROM users WHERE phone = '0900111003'")
    assert user_id in disabled


async def test_a_listener_that_never_confirms_is_counted_not_an_error(redis_url: str) -> None:
    """A process that heard the announcement and died before confirming: the command waits its five
    seconds and reports it (redis-py's 5 s socket timeout once ended that wait with an error)."""
    silent = Redis.from_url(redis_url)
    subscription = silent.pubsub()
    await subscription.subscribe(CHANNEL)
    announcer = Redis.from_url(redis_url)
    try:
        listening, confirmed = await announce(announcer, uuid.uuid4(), disabled=True, wait_seconds=5.5)
    finally:
        await subscription.aclose()  # type: ignore[no-untyped-call]
        await silent.aclose()
        await announcer.aclose()
    assert listening >= 1
    assert confirmed < listening
