"""The worker's first run after a deploy: deadlines missed long ago reach each office as one digest,
the ones missed recently or due today as one alert each, and nothing is told twice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.context import AppContext
from api.dossiers.deadlines import warn_of_deadlines
from core.clock import VN_TZ, FixedClock
from core.events import Dispatcher
from notifications import officer_alerts
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, scan, submitted_dossier
from tests.integration.helpers import BEN_THANH, SAI_GON, birth_registration, walk_in
from tests.integration.standins.fcm import FcmStandin

BEN_THANH_DEVICE = "fcm-backlog-" + "b" * 40
SAI_GON_DEVICE = "fcm-backlog-" + "s" * 40


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=VN_TZ)


async def received_on(
    client: AsyncTestClient[Any], clock: FixedClock, officer: str, when: datetime, agency: str = BEN_THANH
) -> str:
    """A same-day walk-in dossier received at `when`: its appointment date is that day."""
    clock.set(when)
    draft = await filed_at_counter(client, officer, walk_in(agency=agency))
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, draft["id"], key)).status_code == 201
    received = await act(client, officer, draft["id"], action="receive")
    assert received.json()["appointment_date"] == when.date().isoformat()
    dossier_id: str = draft["id"]
    return dossier_id


async def test_an_old_backlog_is_one_digest_per_office_and_recent_misses_alert_one_by_one(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
    app_context: AppContext,
) -> None:
    officer = await make_token("0900720001", "officer", (BEN_THANH,))
    other = await make_token("0900720002", "officer", (SAI_GON,))
    for token, device in ((officer, BEN_THANH_DEVICE), (other, SAI_GON_DEVICE)):
        put = await client.put(
            f"/api/v1/devices/{device}", json={"platform": "android", "locale": "vi"}, headers=bearer(token)
        )
        assert put.status_code == 200
    # before the worker ever ran: months-old dossiers past their appointment date, and an online
    # submission never received
    for day in (1, 2, 6, 7, 8):
        await received_on(client, clock, officer, at(10, day, 9))
    for day in (5, 9):
        await received_on(client, clock, other, at(10, day, 9), agency=SAI_GON)
    clock.set(at(10, 1, 9))
    await submitted_dossier(client, await make_token("0912720001"), birth_registration("0912720001"))
    recent = await received_on(client, clock, officer, at(11, 20, 9))  # Friday: missed, but recently
    today = await received_on(client, clock, officer, at(11, 23, 8))  # due today

    clock.set(at(11, 23, 10))
    assert await warn_of_deadlines(app_context.deadline_watch) == 5 + 2 + 1 + 2
    assert await warn_of_deadlines(app_context.deadline_watch) == 0  # each told once

    topics = {
        t: officer_alerts.officer_alerts(pool, clock, sender)
        for t in (officer_alerts.TOPIC, officer_alerts.BACKLOG_TOPIC)
    }
    dispatcher = Dispatcher(pool, topics, clock=clock)
    while await dispatcher.run_once():
        pass
    heard = sorted(
        (m["token"], m["data"]["type"], m["data"]["deadline"], m["data"].get("dossiers") or m["data"]["dossier_id"])
        for m in fcm.messages
    )
    assert heard == sorted(
        [
            (BEN_THANH_DEVICE, "dossier.deadline_backlog", "processing", "5"),
            (BEN_THANH_DEVICE, "dossier.deadline_backlog", "reception", "1"),
            (BEN_THANH_DEVICE, "dossier.deadline_approaching", "processing", recent),
            (BEN_THANH_DEVICE, "dossier.deadline_approaching", "processing", today),
            (SAI_GON_DEVICE, "dossier.deadline_backlog", "processing", "2"),
        ]
    )
    inbox = (await client.get("/api/v1/notifications", headers=bearer(officer))).json()
    digest = next(
        n for n in inbox["items"] if n["type"] == "dossier.deadline_backlog" and n["data"]["deadline"] == "processing"
    )
    assert "5 hồ sơ" in digest["body"] and "01/10/2026" in digest["body"]
    assert digest["data"]["agency"] == BEN_THANH and digest["data"]["oldest_due"] == "2026-10-01"
    assert inbox["total"] == 4
    assert (await client.get("/api/v1/notifications", headers=bearer(other))).json()["total"] == 1

    # the backlog stays on the officers' overdue list, where the digest sends them
    listed = await client.get(
        "/api/v1/officer/dossiers", params={"overdue": "processing", "limit": 100}, headers=bearer(officer)
    )
    assert listed.json()["total"] == 6
