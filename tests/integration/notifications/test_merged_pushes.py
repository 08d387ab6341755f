"""A reception the system moves straight on from (fee owed, or paid before) is one push, not two;
the inbox and the history keep both steps."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import passport_dossier, pay_by_bank
from tests.integration.push_helpers import drain
from tests.integration.standins.fcm import FcmStandin

VI_PHONE = "fcm-vi-" + "d" * 40
EN_TABLET = "fcm-en-" + "e" * 40
OFFICE = "000.00.01.H29"  # where passport dossiers go


async def citizen_with_two_devices(client: AsyncTestClient[Any], make_token: TokenFactory, phone: str) -> str:
    citizen = await make_token(phone)
    for token, platform, locale in ((VI_PHONE, "android", "vi"), (EN_TABLET, "ios", "en")):
        response = await client.put(
            f"/api/v1/devices/{token}", json={"platform": platform, "locale": locale}, headers=bearer(citizen)
        )
        assert response.status_code == 200, response.text
    return citizen


async def receive(client: AsyncTestClient[Any], officer: str, dossier: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/actions", json={"action": "receive"}, headers=bearer(officer)
    )
    assert response.status_code == 200, response.text
    moved: dict[str, Any] = response.json()
    return moved


def dd_mm_yyyy(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


async def inbox_types(client: AsyncTestClient[Any], citizen: str) -> Counter[str]:
    """Counted, not listed: the test clock stands still, so the entries share one time."""
    inbox = (await client.get("/api/v1/notifications", headers=bearer(citizen))).json()
    return Counter(item["data"]["type"] for item in inbox["items"])


async def test_a_reception_that_owes_the_fee_is_one_push_naming_the_date_and_the_amount(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await citizen_with_two_devices(client, make_token, "0912700001")
    officer = await make_token("0900700001", "officer", (OFFICE,))
    dossier = await passport_dossier(client, citizen)
    await drain(pool, clock, sender)
    moved = await receive(client, officer, dossier)
    assert moved["status"] == "awaiting_payment"
    await drain(pool, clock, sender)

    sent = Counter((m["token"], m["data"]["type"]) for m in fcm.messages)
    assert sent == Counter(
        {
            (VI_PHONE, "dossier.submitted"): 1,
            (EN_TABLET, "dossier.submitted"): 1,
            (VI_PHONE, "dossier.awaiting_payment"): 1,
            (EN_TABLET, "dossier.awaiting_payment"): 1,
        }
    )
    when = dd_mm_yyyy(moved["appointment_date"])
    [vi] = [m for m in fcm.messages if m["token"] == VI_PHONE and m["data"]["type"] == "dossier.awaiting_payment"]
    [en] = [m for m in fcm.messages if m["token"] == EN_TABLET and m["data"]["type"] == "dossier.awaiting_payment"]
    assert "đã được tiếp nhận" in vi["notification"]["body"]
    assert "200.000 ₫" in vi["notification"]["body"] and f"Ngày hẹn trả: {when}" in vi["notification"]["body"]
    assert en["notification"]["title"] == "Dossier received, fee due"
    day = date.fromisoformat(moved["appointment_date"])
    written_out = f"{day:%B} {day.day}, {day.year}"  # English names the month: 04/12 reads April to many
    assert "200,000 VND" in en["notification"]["body"] and written_out in en["notification"]["body"]

    # the inbox and the history keep both steps
    assert await inbox_types(client, citizen) == Counter(
        ["dossier.submitted", "dossier.received", "dossier.awaiting_payment"]
    )
    history = (await client.get(f"/api/v1/dossiers/{dossier['id']}/history", headers=bearer(citizen))).json()
    assert [h["to_status"] for h in history["items"]][-2:] == ["received", "awaiting_payment"]


async def test_a_reception_paid_beforehand_is_one_push_saying_it_is_being_processed(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await citizen_with_two_devices(client, make_token, "0912700002")
    officer = await make_token("0900700002", "officer", (OFFICE,))
    dossier = await passport_dossier(client, citizen)
    await pay_by_bank(client, citizen, dossier, clock)
    moved = await receive(client, officer, dossier)
    assert moved["status"] == "processing"
    await drain(pool, clock, sender)

    types = Counter(m["data"]["type"] for m in fcm.messages)
    assert types == Counter({"dossier.submitted": 2, "payment.succeeded": 2, "dossier.processing": 2})
    [vi] = [m for m in fcm.messages if m["token"] == VI_PHONE and m["data"]["type"] == "dossier.processing"]
    assert "đã được tiếp nhận và đang được giải quyết" in vi["notification"]["body"]
    assert dd_mm_yyyy(moved["appointment_date"]) in vi["notification"]["body"]
    assert await inbox_types(client, citizen) == Counter(
        ["dossier.submitted", "payment.succeeded", "dossier.received", "dossier.processing"]
    )
