"""On-time statistics computed from the real tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.testing import AsyncTestClient

from core.clock import VN_TZ, FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import PDF, upload


async def test_early_on_time_late_and_overdue(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await make_token("0912500001")
    dossiers = [await submitted_dossier(client, citizen) for _ in range(4)]
    agency = dossiers[0]["agency"]["code"]
    officer = await make_token("0900500001", "officer", (agency,))

    async def act(dossier: dict[str, Any], *actions: str) -> None:
        for action in actions:
            response = await client.post(
                f"/api/v1/officer/dossiers/{dossier['id']}/actions", json={"action": action}, headers=bearer(officer)
            )
            assert response.status_code == 200, response.text

    async def finish(dossier: dict[str, Any]) -> None:
        await client.post(
            f"/api/v1/officer/dossiers/{dossier['id']}/result",
            headers=bearer(officer),
            **upload("kq.pdf", PDF, "application/pdf"),
        )
        await act(dossier, "approve")

    # all received Mon 23/11 09:00: same-day procedure, appointment Mon 23/11
    for d in dossiers:
        await act(d, "receive", "start_processing")
    await finish(dossiers[0])  # on time (same day)
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=VN_TZ))
    await finish(dossiers[1])  # late
    reject = await client.post(
        f"/api/v1/officer/dossiers/{dossiers[2]['id']}/actions",
        json={"action": "reject", "reason": "Sai thẩm quyền"},
        headers=bearer(officer),
    )
    assert reject.status_code == 200  # rejected late also counts as resolved late
    # dossiers[3] still processing past its date: overdue
    stats = await client.get(
        "/api/v1/stats/on-time",
        params={"agency": agency, "from": "2026-11-01", "to": "2026-11-30"},
        headers=bearer(officer),
    )
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert body["from"] == "2026-11-01"
    assert (body["received"], body["resolved"], body["on_time"], body["late"], body["pending_overdue"]) == (
        4,
        3,
        1,
        2,
        1,
    )
    assert body["on_time_rate"] == round(1 / 3, 4)
    overdue = (await client.get(f"/api/v1/dossiers/{dossiers[3]['id']}", headers=bearer(citizen))).json()
    assert overdue["overdue"] == "processing"

    other = await make_token("0900500002", "officer", ("000.00.01.H29",))
    forbidden = await client.get("/api/v1/stats/on-time", params={"agency": agency}, headers=bearer(other))
    assert forbidden.status_code == 403
