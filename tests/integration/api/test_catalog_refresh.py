"""Every process holds the catalog in memory: an edit reaches every one, the assistant's answers too, and
the fees 'today' move on when the day turns in Vietnam."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from itertools import product
from typing import Any

import asyncpg
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from asgi import create_app
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from core.settings import Settings
from tests.integration.api.catalog_helpers import document, seeded_catalog
from tests.integration.conftest import TokenFactory, bearer

__all__ = ["seeded_catalog"]

AFTER_REVIEW = datetime(2026, 12, 7, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
async def other_server(settings: Settings, clock: FixedClock) -> AsyncIterator[AsyncTestClient[Any]]:
    """A second server process on the same database and Redis (its own memory, its own catalog copy); it
    compares its copy with the database every second rather than every 30."""
    app = create_app(msgspec.structs.replace(settings, catalog_check_seconds=1), clock=clock)
    async with AsyncTestClient(app=app) as other:
        yield other


async def _eventually(check: Callable[[], Awaitable[bool]], seconds: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("not within the time allowed")
        await asyncio.sleep(0.1)


# the public reads of the passport's fee, answered from bytes made once per catalog, language and question
READS = (
    "/api/v1/procedures/passport-issuance",
    "/api/v1/procedures?q=ho%20chieu",
    "/api/v1/procedures?q=h%E1%BB%99%20chi%E1%BA%BFu",
)


def _fee(response: Any) -> int:
    assert response.status_code == 200, response.text
    body = response.json()
    return int(body["items"][0]["fee"] if "items" in body else body["fee"])


async def _fee_reply(client: AsyncTestClient[Any], text: str) -> str:
    response = await client.post("/api/v1/assistant/messages", json={"text": text, "locale": "vi"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["intent"] == "procedure_fee", body
    return str(body["reply"])


@pytest.mark.usefixtures("seeded_catalog")
async def test_an_edit_reaches_the_other_server_and_its_assistant(
    client: AsyncTestClient[Any], other_server: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    clock.set(AFTER_REVIEW)
    admin = await make_token("0900191001", "admin")
    assert "200.000 ₫" in await _fee_reply(other_server, "lệ phí làm hộ chiếu bao nhiêu")
    for server in (client, other_server):
        for read, language in product(READS, ("vi", "en")):
            assert _fee(await server.get(read, headers={"Accept-Language": language})) == 200000, (read, language)
        names = [
            (await server.get(READS[0], headers={"Accept-Language": lang})).json()["name"] for lang in ("vi", "en")
        ]
        assert names == ["Cấp hộ chiếu phổ thông", "Ordinary passport issuance"]
    doc = document("passport-issuance")
    doc["fees"][1]["amount"] = 230000

    edited = await client.put("/api/v1/admin/procedures/passport-issuance", json=doc, headers=bearer(admin))
    assert edited.status_code == 200, edited.text

    async def other_sees_it() -> bool:
        body = (await other_server.get("/api/v1/procedures/passport-issuance")).json()
        return bool(body["version"] == edited.json()["version"] and body["fee"] == 230000)

    await _eventually(other_sees_it, seconds=5)
    for server in (client, other_server):  # answers made before the edit, in each language, are not kept
        for read, language in product(READS, ("vi", "en")):
            assert _fee(await server.get(read, headers={"Accept-Language": language})) == 230000, (read, language)
    assert "230.000 ₫" in await _fee_reply(other_server, "lệ phí làm hộ chiếu bao nhiêu")
    assert "230.000 ₫" in await _fee_reply(client, "lệ phí làm hộ chiếu bao nhiêu")


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_change_whose_announcement_was_lost_is_found_by_the_revision_check(
    client: AsyncTestClient[Any], other_server: AsyncTestClient[Any], pool: asyncpg.Pool
) -> None:
    doc = document("signature-attestation")
    doc["fees"][0]["amount"] = 12000
    async with acquire(pool) as conn, conn.transaction():  # as an import on a host without Redis would
        await conn.execute("UPDATE procedures SET doc = $2, version = version + 1 WHERE slug = $1", doc["slug"], doc)
        await conn.execute("UPDATE catalog_revision SET revision = revision + 1")

    async def other_sees_it() -> bool:
        return bool((await other_server.get("/api/v1/procedures/signature-attestation")).json()["fee"] == 12000)

    await _eventually(other_sees_it, seconds=10)


async def test_the_assistant_says_today_s_fee_until_when_it_holds_and_moves_on_with_the_day(
    client: AsyncTestClient[Any], clock: FixedClock
) -> None:
    last_evening = datetime(2026, 12, 31, 23, 58, tzinfo=VN_TZ)
    clock.set(last_evening)
    await asyncio.sleep(1.5)  # the day turned since the suite's 23/11: each process rebuilds within a tick
    reply = await _fee_reply(client, "lệ phí cấp đổi căn cước bao nhiêu")
    assert "25.000 ₫, áp dụng đến hết ngày 31/12/2026" in reply
    assert "Cấp lại: 35.000 ₫ (đến hết ngày 31/12/2026)." in reply

    clock.set(last_evening + timedelta(minutes=5))  # 1/1/2027 in Vietnam

    async def base_rate() -> bool:
        text = await _fee_reply(client, "lệ phí cấp đổi căn cước bao nhiêu")
        return "50.000 ₫." in text and "31/12/2026" not in text

    await _eventually(base_rate, seconds=5)


@pytest.mark.usefixtures("seeded_catalog")
async def test_a_waiver_on_a_condition_is_said_with_its_end_and_condition(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    clock.set(AFTER_REVIEW)
    admin = await make_token("0900191002", "admin")
    doc = document("citizen-identity-card")
    condition = "Có tài khoản định danh điện tử mức 2 và đủ điều kiện"
    doc["fees"].append(
        {
            "amount": 0,
            "case": condition,
            "cases": {"vi": condition, "en": "a level-2 electronic identity account holder who qualifies"},
            "from": "2026-08-15",
            "to": "2027-02-28",
            "basis": "Thông tư mẫu",
        }
    )
    assert (
        await client.put("/api/v1/admin/procedures/citizen-identity-card", json=doc, headers=bearer(admin))
    ).status_code == 200

    reply = await _fee_reply(client, "lệ phí cấp đổi căn cước bao nhiêu")

    assert "Miễn phí đến hết ngày 28/02/2027 nếu có tài khoản định danh điện tử mức 2 và đủ điều kiện." in reply
