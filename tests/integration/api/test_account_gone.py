"""A token that outlives its account: a write naming it is a sign-in to do again (401), never a 500,
and nothing is written."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.auth import Principal, Role, issue_access_token
from core.clock import FixedClock
from core.db import acquire
from core.settings import Settings
from tests.integration.conftest import bearer
from tests.integration.helpers import birth_registration


def _token_of_no_account(settings: Settings, clock: FixedClock) -> str:
    principal = Principal(user_id=uuid.uuid4(), role=Role.CITIZEN, phone="0900999123")
    return issue_access_token(principal, secret=settings.jwt_secret, now=clock.now(), ttl=3600)


async def test_filing_with_a_token_of_no_account_asks_to_sign_in_again(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, settings: Settings, clock: FixedClock
) -> None:
    headers = {**bearer(_token_of_no_account(settings, clock)), "Accept-Language": "vi"}
    response = await client.post("/api/v1/dossiers", json=birth_registration(), headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Vui lòng đăng nhập lại."
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM dossiers") == 0


async def test_registering_a_device_with_a_token_of_no_account_asks_to_sign_in_again(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, settings: Settings, clock: FixedClock
) -> None:
    response = await client.put(
        "/api/v1/devices/fcm-token-of-a-phone-0123456789",
        json={"platform": "android", "locale": "vi"},
        headers=bearer(_token_of_no_account(settings, clock)),
    )
    assert response.status_code == 401, response.text
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM devices") == 0


async def test_reading_ones_account_with_a_token_of_no_account_asks_to_sign_in_again(
    client: AsyncTestClient[Any], settings: Settings, clock: FixedClock
) -> None:
    response = await client.get("/api/v1/me", headers=bearer(_token_of_no_account(settings, clock)))
    assert response.status_code == 401, response.text
