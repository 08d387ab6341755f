"""A deployment serves the province its settings name; Bắc Ninh, then Cà Mau on the same database, as
a province's IT centre trying both would: old addresses reach the new ward's office unflagged."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from api.accounts.service import ensure_user, principal_for
from api.accounts.sms import MemorySmsSender
from api.seed import seed_all
from asgi import create_app
from core.auth import Role, issue_access_token
from core.clock import FixedClock
from core.db import connect
from core.migrate import migrate
from core.settings import Settings
from tests.integration.conftest import DEFAULT_NOW, _admin_database_url, _with_database, bearer
from tests.integration.helpers import birth_registration

CASES = [
    # province, an address in the old three-tier form, the office it must reach, its ward
    ("24", "12 Hoàng Văn Thụ, phường Trần Phú, thành phố Bắc Giang, tỉnh Bắc Giang", "UBND phường Bắc Giang"),
    ("96", "Số 5 Hai Bà Trưng, Phường 3, thành phố Bạc Liêu, tỉnh Bạc Liêu", "UBND phường Bạc Liêu"),
]


@pytest.fixture(scope="module")
async def province_database() -> AsyncIterator[str]:
    admin_url = _admin_database_url()
    name = f"motcua_provinces_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = _with_database(admin_url, name)
    conn = await connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    yield url
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


async def _citizen_token(url: str, settings: Settings, clock: FixedClock) -> str:
    conn = await connect(url)
    try:
        user_id = await ensure_user(conn, phone="0912000777", clock=clock, role=Role.CITIZEN)
        principal = await principal_for(conn, user_id)
    finally:
        await conn.close()
    return issue_access_token(principal, secret=settings.jwt_secret, now=clock.now(), ttl=3600)


async def test_each_province_in_turn_routes_its_old_addresses_to_the_new_ward(
    province_database: str, settings: Settings
) -> None:
    clock = FixedClock(DEFAULT_NOW)
    served: dict[str, set[str]] = {}
    for province, address, office in CASES:
        conn = await connect(province_database)
        try:
            report = await seed_all(conn, now=DEFAULT_NOW, province_code=province)
        finally:
            await conn.close()
        local = msgspec.structs.replace(settings, database_url=province_database, province_code=province)
        token = await _citizen_token(province_database, local, clock)
        body = birth_registration("0912000777")
        body["applicant"]["address"] = address
        async with AsyncTestClient(app=create_app(local, clock=clock, sms=MemorySmsSender())) as client:
            response = await client.post("/api/v1/dossiers", json=body, headers=bearer(token))
            assert response.status_code == 201, response.text
            dossier: dict[str, Any] = response.json()
            agencies = await client.get("/api/v1/agencies", params={"limit": 100, "level": "province"})
            served[province] = {a["code"] for a in agencies.json()["items"]}
            assert agencies.json()["total"] == 10
            everything = await client.get("/api/v1/agencies", params={"limit": 1})
            assert everything.json()["total"] == report.offices
        assert dossier["agency"]["name"] == office
        assert dossier["applicant"]["address"]["ward"] == office.replace("UBND phường", "Phường")
        conn = await connect(province_database)
        try:
            flagged = await conn.fetchval(
                "SELECT address_flagged FROM dossiers WHERE id = $1", uuid.UUID(dossier["id"])
            )
        finally:
            await conn.close()
        assert flagged is False
    assert served["24"].isdisjoint(served["96"])
    assert all(code.endswith(".H06") for code in served["24"])
    assert all(code.endswith(".H12") for code in served["96"])
