"""Sign-in with a one-time code, token refresh rotation and reuse detection."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from api.accounts.sms import MemorySmsSender


async def _code(client: AsyncTestClient[Any], sms: MemorySmsSender, phone: str) -> str:
    assert (await client.post("/api/v1/auth/otp", json={"phone": phone})).status_code == 202
    return sms.sent[phone]


async def test_resend_is_throttled(client: AsyncTestClient[Any], sms: MemorySmsSender) -> None:
    await _code(client, sms, "0987654321")
    again = await client.post("/api/v1/auth/otp", json={"phone": "0987654321"})
    assert again.status_code == 429
    assert again.json()["code"] == "otp-rate-limited"
    assert int(again.headers["retry-after"]) > 0


async def test_bad_phone_is_422_naming_the_field(client: AsyncTestClient[Any]) -> None:
    response = await client.post("/api/v1/auth/otp", json={"phone": "12345"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "phone"


async def test_five_wrong_codes_burn_the_otp(client: AsyncTestClient[Any], sms: MemorySmsSender) -> None:
    code = await _code(client, sms, "0987654322")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await client.post("/api/v1/auth/token", json={"phone": "0987654322", "otp": wrong})
        assert response.status_code == 401
    response = await client.post("/api/v1/auth/token", json={"phone": "0987654322", "otp": code})
    assert response.status_code == 429  # even the right code no longer works
    assert response.json()["code"] == "otp-locked"
    assert int(response.headers["retry-after"]) > 0


async def test_refresh_rotates_and_reuse_revokes_the_family(client: AsyncTestClient[Any], sms: MemorySmsSender) -> None:
    code = await _code(client, sms, "0987654323")
    first = (await client.post("/api/v1/auth/token", json={"phone": "0987654323", "otp": code})).json()
    second = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    reuse = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    # the thief's replay also killed the legitimate newer token
    after = await client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401


async def test_code_is_single_use(client: AsyncTestClient[Any], sms: MemorySmsSender) -> None:
    code = await _code(client, sms, "0987654324")
    assert (await client.post("/api/v1/auth/token", json={"phone": "0987654324", "otp": code})).status_code == 200
    assert (await client.post("/api/v1/auth/token", json={"phone": "0987654324", "otp": code})).status_code == 401
