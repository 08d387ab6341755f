"""The 8 working hours an office has to receive an online dossier: the deadline over a weekend and a
holiday, the officers' overdue filters, and the warning that reaches the office's officers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.context import AppContext
from api.dossiers.deadlines import warn_of_deadlines
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from core.events import Dispatcher
from notifications import officer_alerts
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import birth_registration
from tests.integration.standins.fcm import FcmStandin

OFFICER_PHONE_TOKEN = "fcm-officer-" + "e" * 40
BEN_THANH = "000.01.14.H29"
SAI_GON = "000.01.73.H29"


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


async def overdue_ids(client: AsyncTestClient[Any], officer: str, kind: str) -> list[str]:
    response = await client.get("/api/v1/officer/dossiers", params={"overdue": kind}, headers=bearer(officer))
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["items"]]


async def test_the_deadline_crosses_a_weekend_and_a_holiday_and_the_office_is_warned_once(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
    app_context: AppContext,
) -> None:
    citizen = await make_token("0912888001")
    officer = await make_token("0900800001", "officer", (BEN_THANH,))
    stranger = await make_token("0900800002", "officer", (SAI_GON,))
    for token in (officer, stranger):
        assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 200
    put = await client.put(
        f"/api/v1/devices/{OFFICER_PHONE_TOKEN}", json={"platform": "android", "locale": "vi"}, headers=bearer(officer)
    )
    assert put.status_code == 200

    clock.set(at(11, 20, 16, 45))  # a Friday, a quarter of an hour before closing
    dossier = await submitted_dossier(client, citizen)
    # Fri 16:45-17:00, Mon 23/11 07:30-11:30 and 13:30-17:00, Tue 24/11 is a holiday (Ngày Văn hóa
    # Việt Nam), so the last quarter of an hour is Wednesday's first: 0.25 + 7.5 + 0.25 = 8 hours
    assert datetime.fromisoformat(dossier["reception_due_at"]) == at(11, 25, 7, 45)
    assert dossier["overdue"] is None and dossier["channel"] == "online"

    ctx = app_context
    clock.set(at(11, 23, 16, 0))  # the warning is due an hour of office time before: Mon 16:15
    assert await warn_of_deadlines(ctx.deadline_watch) == 0
    clock.set(at(11, 23, 16, 20))
    assert await warn_of_deadlines(ctx.deadline_watch) == 1
    assert await warn_of_deadlines(ctx.deadline_watch) == 0  # once per deadline

    consumer = officer_alerts.officer_alerts(pool, clock, sender)
    dispatcher = Dispatcher(pool, {officer_alerts.TOPIC: consumer}, clock=clock)
    assert await dispatcher.run_once() == 1
    assert [(m["token"], m["data"]["type"], m["data"]["deadline"]) for m in fcm.messages] == [
        (OFFICER_PHONE_TOKEN, "dossier.deadline_approaching", "reception")
    ]
    assert "07:45 25/11/2026" in fcm.messages[0]["notification"]["body"]
    inbox = (await client.get("/api/v1/notifications", headers=bearer(officer))).json()
    assert [(n["type"], n["data"]["dossier_id"]) for n in inbox["items"]] == [
        ("dossier.deadline_approaching", dossier["id"])
    ]
    assert (await client.get("/api/v1/notifications", headers=bearer(stranger))).json()["total"] == 0
    assert (await client.get("/api/v1/notifications", headers=bearer(citizen))).json()["total"] == 0  # not theirs

    assert await overdue_ids(client, officer, "reception") == []
    clock.set(at(11, 25, 8, 0))
    assert await overdue_ids(client, officer, "reception") == [dossier["id"]]
    assert await overdue_ids(client, officer, "processing") == []
    assert await overdue_ids(client, stranger, "reception") == []
    foreign = await client.get(
        "/api/v1/officer/dossiers", params={"overdue": "reception", "agency": BEN_THANH}, headers=bearer(stranger)
    )
    assert foreign.status_code == 403
    late = (await client.get(f"/api/v1/officer/dossiers/{dossier['id']}", headers=bearer(officer))).json()
    assert late["overdue"] == "reception"
    bad = await client.get("/api/v1/officer/dossiers", params={"overdue": "soon"}, headers=bearer(officer))
    assert bad.status_code == 422

    received = await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/actions", json={"action": "receive"}, headers=bearer(officer)
    )
    body = received.json()
    assert (body["status"], body["reception_due_at"], body["overdue"]) == ("received", None, None)
    async with acquire(pool) as conn:
        answered = await conn.fetchval("SELECT reception_answered_at FROM dossiers WHERE id = $1", body["id"])
    assert answered == at(11, 25, 8, 0)

    clock.set(at(11, 26, 9, 0))  # a same-day procedure received on the 25th, still without a result
    assert await overdue_ids(client, officer, "processing") == [dossier["id"]]
    assert await overdue_ids(client, officer, "reception") == []


async def test_a_counter_dossier_has_no_reception_deadline(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    app_context: AppContext,
) -> None:
    officer = await make_token("0900800003", "officer", (BEN_THANH,))
    draft = await client.post(
        "/api/v1/officer/dossiers", json={**birth_registration(), "channel": "counter"}, headers=bearer(officer)
    )
    assert draft.status_code == 201
    clock.set(at(11, 27, 9, 0))
    assert await overdue_ids(client, officer, "reception") == []
    assert await warn_of_deadlines(app_context.deadline_watch) == 0
