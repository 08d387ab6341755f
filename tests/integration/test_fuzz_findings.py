"""What the fuzzer of test_fuzz.py found, each as a plain example that failed before its fix."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.signing import sign
from tests.integration.conftest import BANK_SECRET, TokenFactory, bearer
from tests.integration.factories import passport_dossier
from tests.integration.helpers import applicant, birth_registration


async def test_a_bad_body_field_named_like_a_dependency_is_422_not_500(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    """`locale` is also the name of an injected dependency; Litestar took a wrong `locale` in the body
    for a failed dependency and answered 500."""
    token = await make_token("0912888001")
    device = await client.put(
        "/api/v1/devices/tok-1", json={"platform": "android", "locale": {}}, headers=bearer(token)
    )
    ask = await client.post("/api/v1/assistant/messages", json={"text": "xin chào", "locale": 7})
    for response in (device, ask):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in response.json()["errors"]] == ["locale"]


async def test_text_with_a_nul_character_is_422_and_stores_nothing(
    client: AsyncTestClient[Any], pool: asyncpg.Pool, clock: FixedClock, make_token: TokenFactory
) -> None:
    """A well-signed bank notification whose transaction id held U+0000 reached PostgreSQL, which
    refuses NUL in text, and came back as 500."""
    raw = json.dumps(
        {
            "transaction_id": "FT\u00001",
            "bank_bin": "970436",
            "account_number": "0011000123456",
            "amount": 1,
            "content": "x",
        }
    ).encode()
    timestamp = str(int(clock.now().timestamp()))
    headers = {"X-Motcua-Timestamp": timestamp, "X-Motcua-Signature": sign(BANK_SECRET, timestamp, raw)}
    bank = await client.post(
        "/api/v1/payments/webhooks/bank", content=raw, headers={"Content-Type": "application/json", **headers}
    )
    token = await make_token("0912888002")
    dossier = await client.post(
        "/api/v1/dossiers",
        json=birth_registration("0912888002", applicant=applicant("0912888002", full_name="Lan\u0000")),
        headers=bearer(token),
    )
    for response in (bank, dossier):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM bank_notifications") == 0
        assert await conn.fetchval("SELECT count(*) FROM dossiers") == 0


async def test_an_offset_past_what_postgresql_counts_is_422(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    """`?offset=525467105519222929533825974272` reached PostgreSQL as an int64 and came back as 500."""
    token = await make_token("0912888003")
    for path in ("/api/v1/notifications", "/api/v1/dossiers", "/api/v1/documents"):
        response = await client.get(path, params={"offset": 2**99}, headers=bearer(token))
        assert response.status_code == 422, (path, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["offset"]


async def test_the_payment_returned_again_answers_a_documented_200(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    """Asking again with the same method returns the open payment with 200, which the document did
    not list (only 201): a conforming client would have taken it for an error."""
    citizen = await make_token("0912888004")
    officer = await make_token("0900888004", "officer", ("000.00.01.H29",))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    path = f"/api/v1/dossiers/{dossier['id']}/payments"
    first = await client.post(path, json={"method": "vietqr"}, headers=bearer(citizen))
    again = await client.post(path, json={"method": "vietqr"}, headers=bearer(citizen))
    assert (first.status_code, again.status_code) == (201, 200)
    documented = (await client.get("/schema/openapi.json")).json()["paths"]["/api/v1/dossiers/{dossier_id}/payments"]
    assert {"200", "201"} <= set(documented["post"]["responses"])
