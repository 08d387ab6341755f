"""A hand-off reaches the office that can answer it: the office of the citizen's dossier, else the
procedure's only office, else the province-wide queue; its officers are alerted once per conversation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.context import AppContext
from api.handoffs.service import open_handoff
from core.clock import FixedClock
from core.db import acquire
from core.events import Dispatcher
from notifications import handoff_alerts
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import ask, passport_dossier, submitted_dossier
from tests.integration.standins.fcm import FcmStandin

HANDOFFS = "/api/v1/officer/handoffs"
POLICE = "000.00.01.H29"  # the city police, the only office issuing passports
BEN_THANH = "000.01.14.H29"
SAI_GON = "000.01.73.H29"


async def with_device(client: AsyncTestClient[Any], token: str, device: str, locale: str = "vi") -> None:
    put = await client.put(
        f"/api/v1/devices/{device}", json={"platform": "android", "locale": locale}, headers=bearer(token)
    )
    assert put.status_code == 200, put.text


async def listed(client: AsyncTestClient[Any], token: str) -> list[dict[str, Any]]:
    response = await client.get(HANDOFFS, headers=bearer(token))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


Alerts = Callable[..., Dispatcher]


@pytest.fixture
def alerts(pool: asyncpg.Pool, clock: FixedClock, sender: FirebaseSender) -> Alerts:
    """The worker's hand-off alerts, with the offices named for the province-wide queue."""

    def dispatcher(*queue: str) -> Dispatcher:
        consumer = handoff_alerts.handoff_alerts(pool, clock, sender, queue)
        return Dispatcher(pool, {handoff_alerts.TOPIC: consumer}, clock=clock)

    return dispatcher


async def test_a_passport_applicant_reaches_the_police_office_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, fcm: FcmStandin, alerts: Alerts
) -> None:
    citizen = await make_token("0912770001")
    officer = await make_token("0900770001", "officer", (POLICE,))
    stranger = await make_token("0900770002", "officer", (BEN_THANH,))
    admin = await make_token("0900770003", "admin")
    await with_device(client, officer, "fcm-police-" + "a" * 40, "en")
    await with_device(client, stranger, "fcm-ward-" + "b" * 40)
    dossier = await passport_dossier(client, citizen)
    assert dossier["agency"]["code"] == POLICE

    first = await ask(client, "lam ho chieu can gi", headers=bearer(citizen))
    answer = await ask(client, "cho em gặp cán bộ", session_id=first["session_id"], headers=bearer(citizen))
    assert answer["intent"] == "human_handoff"
    again = await ask(
        client, "em muon noi chuyen voi nhan vien", session_id=first["session_id"], headers=bearer(citizen)
    )
    assert again["intent"] == "human_handoff"

    worker = alerts()
    assert await worker.run_once() == 1  # asked twice, one hand-off, one alert
    assert await worker.run_once() == 0
    [push] = fcm.messages
    [handoff] = await listed(client, officer)
    assert push["token"] == "fcm-police-" + "a" * 40
    assert push["notification"]["title"] == "A citizen asks for an officer"
    assert push["notification"]["body"] == "Via the app, about Ordinary passport issuance: “cho em gặp cán bộ”"
    assert (push["data"]["type"], push["data"]["handoff_id"], push["data"]["channel"]) == (
        "handoff.opened",
        handoff["id"],
        "app",
    )
    assert handoff["agency"] == {"code": POLICE, "name": "Công an Thành phố Hồ Chí Minh"}
    assert (handoff["procedure"], handoff["phone"], handoff["status"]) == ("passport-issuance", "0912770001", "open")
    english = (await client.get(HANDOFFS, params={"lang": "en"}, headers=bearer(officer))).json()
    assert english["items"][0]["agency"]["name"] == "Ho Chi Minh City Police"
    inbox = (await client.get("/api/v1/notifications", headers=bearer(officer))).json()
    assert [(n["type"], n["data"]["handoff_id"]) for n in inbox["items"]] == [("handoff.opened", handoff["id"])]

    assert await listed(client, stranger) == []
    assert (await client.get("/api/v1/notifications", headers=bearer(stranger))).json()["total"] == 0
    refused = await client.post(f"{HANDOFFS}/{handoff['id']}/close", headers=bearer(stranger))
    assert refused.status_code == 404 and refused.json()["code"] == "handoff-not-found"
    assert [h["id"] for h in await listed(client, admin)] == [handoff["id"]]

    assert (await client.post(f"{HANDOFFS}/{handoff['id']}/close", headers=bearer(officer))).status_code == 204
    assert (await client.post(f"{HANDOFFS}/{handoff['id']}/close", headers=bearer(officer))).status_code == 409
    assert await listed(client, officer) == []


async def test_a_ward_dossier_takes_the_hand_off_to_its_ward(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    """A commune-level procedure has an office in every ward: only the dossier tells which one."""
    citizen = await make_token("0912770011")
    dossier = await submitted_dossier(client, citizen)
    ward = dossier["agency"]["code"]
    officer = await make_token("0900770011", "officer", (ward,))
    other = await make_token("0900770012", "officer", (SAI_GON if ward != SAI_GON else BEN_THANH,))

    first = await ask(client, "lam giay khai sinh cho con can gi", headers=bearer(citizen))
    await ask(client, "cho em gặp cán bộ", session_id=first["session_id"], headers=bearer(citizen))
    [mine] = await listed(client, officer)
    assert mine["agency"]["code"] == ward and mine["procedure"] == "birth-registration"

    # anonymous, on another device: the code the citizen gave names the office
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    looked_up = await ask(client, f"tra cứu hồ sơ {receipt['code']}")
    await ask(client, "cho em gặp cán bộ", session_id=looked_up["session_id"])
    said = await ask(client, f"cho em gặp cán bộ về hồ sơ {receipt['code']}")
    assert said["intent"] == "human_handoff"
    assert [h["agency"]["code"] for h in await listed(client, officer)] == [ward, ward, ward]
    assert await listed(client, other) == []

    # the same citizen without a dossier of the procedure: 168 ward offices, none can be chosen
    elsewhere = await ask(client, "thủ tục đăng ký kết hôn cần gì", headers=bearer(citizen))
    await ask(client, "cho em gặp cán bộ", session_id=elsewhere["session_id"], headers=bearer(citizen))
    assert [(h["procedure"], h["agency"]) for h in await listed(client, other)] == [("marriage-registration", None)]


async def test_an_anonymous_question_goes_to_the_province_queue(
    client: AsyncTestClient[Any], make_token: TokenFactory, fcm: FcmStandin, alerts: Alerts
) -> None:
    police = await make_token("0900770021", "officer", (POLICE,))
    ward = await make_token("0900770022", "officer", (BEN_THANH,))
    desk = await make_token("0900770023", "officer", (SAI_GON,))
    admin = await make_token("0900770024", "admin")
    for token, device in ((police, "p"), (ward, "w"), (desk, "d"), (admin, "a")):
        await with_device(client, token, f"fcm-{device}-" + "c" * 40)

    answer = await ask(client, "cho em gặp cán bộ")
    assert answer["intent"] == "human_handoff"
    await ask(client, "cho em gặp cán bộ", session_id=answer["session_id"])
    seen = [await listed(client, token) for token in (police, ward, desk, admin)]
    assert all(len(items) == 1 and items[0]["agency"] is None for items in seen)
    assert len({items[0]["id"] for items in seen}) == 1

    # the queue's alerts go to every admin and to the offices named for it (here Sài Gòn's)
    assert await alerts(SAI_GON).run_once() == 1
    assert sorted(m["token"][:6] for m in fcm.messages) == ["fcm-a-", "fcm-d-"]
    assert {m["notification"]["title"] for m in fcm.messages} == {"Cần cán bộ (hàng chờ chung)"}
    assert (await client.get("/api/v1/notifications", headers=bearer(police))).json()["total"] == 0

    # any officer may answer the queue
    handoff_id = seen[0][0]["id"]
    assert (await client.post(f"{HANDOFFS}/{handoff_id}/close", headers=bearer(ward))).status_code == 204
    assert await listed(client, police) == []


async def test_simultaneous_asks_in_one_conversation_open_one_hand_off(
    app_context: AppContext, pool: asyncpg.Pool
) -> None:
    asks = [
        open_handoff(
            app_context.handoff_records,
            session_id="s-1",
            user_id=None,
            message=f"gặp cán bộ {n}",
            procedure_slug=None,
            channel="app",
        )
        for n in range(5)
    ]
    assert len(set(await asyncio.gather(*asks))) == 1
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM handoffs WHERE session_id = 's-1'") == 1
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE topic = 'handoff.opened'") == 1
