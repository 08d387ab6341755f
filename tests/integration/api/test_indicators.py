"""The indicators, on a fixture built through the API whose every figure is counted by hand below."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar.testing import AsyncTestClient

from core.clock import VN_TZ, FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import PDF, applicant, birth_registration, upload

BEN_THANH = "000.01.14.H29"
SAI_GON = "000.01.73.H29"
URL = "/api/v1/stats/indicators"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=VN_TZ)


MARRIAGE = {
    "procedure": "marriage-registration",
    "applicant": applicant("0912666007"),
    "form": {
        "partner_full_name": "Trần Văn Bình",
        "partner_date_of_birth": "1989-03-02",
        "partner_identity_number": "079089001111",
        "partner_nationality": "Việt Nam",
        "previously_married": False,
    },
    "delivery": {"method": "desk"},
    "channel": "counter",
}


class Desk:
    """An officer of one office at work."""

    def __init__(self, client: AsyncTestClient[Any], token: str) -> None:
        self.client, self.token = client, token

    async def act(self, dossier: dict[str, Any], action: str, **body: Any) -> None:
        response = await self.client.post(
            f"/api/v1/officer/dossiers/{dossier['id']}/actions",
            json={"action": action, **body},
            headers=bearer(self.token),
        )
        assert response.status_code == 200, response.text

    async def result(self, dossier: dict[str, Any]) -> None:
        response = await self.client.post(
            f"/api/v1/officer/dossiers/{dossier['id']}/result",
            headers=bearer(self.token),
            **upload("kq.pdf", PDF, "application/pdf"),
        )
        assert response.status_code == 201, response.text

    async def walk_in(self, body: dict[str, Any], scans: tuple[str, ...], seen: tuple[str, ...] = ()) -> dict[str, Any]:
        response = await self.client.post("/api/v1/officer/dossiers", json=body, headers=bearer(self.token))
        assert response.status_code == 201, response.text
        dossier: dict[str, Any] = response.json()
        for key in scans:
            url = f"/api/v1/officer/dossiers/{dossier['id']}/documents"
            stored = await self.client.post(
                url, headers=bearer(self.token), **upload("s.pdf", PDF, "application/pdf", key)
            )
            assert stored.status_code == 201
        for key in seen:
            url = f"/api/v1/officer/dossiers/{dossier['id']}/documents"
            noted = await self.client.post(
                url, json={"requirement": key, "original_seen": True}, headers=bearer(self.token)
            )
            assert noted.status_code == 201
        return dossier


async def test_indicators_on_a_known_fixture(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await make_token("0912666001")
    desk = Desk(client, await make_token("0900600001", "officer", (BEN_THANH,)))
    stranger = Desk(client, await make_token("0900600002", "officer", (SAI_GON,)))
    admin = await make_token("0900600003", "admin")
    counter_birth = {**birth_registration("0912666005"), "channel": "counter"}
    both = ("declaration-form", "birth-certificate")

    # Mon 23/11 09:00: four online submissions (A-D), three walk-ins (E, F, G) and one elsewhere (H)
    a, b, c, d = [await submitted_dossier(client, citizen) for _ in range(4)]
    assert {x["agency"]["code"] for x in (a, b, c, d)} == {BEN_THANH}
    assert datetime.fromisoformat(d["reception_due_at"]) == at(25, 9, 30)  # 2.5 + 3.5 h on Monday, 2 h on Wednesday
    e = await desk.walk_in(counter_birth, both)
    f = await desk.walk_in(counter_birth, ("declaration-form",), seen=("birth-certificate",))
    g = await desk.walk_in(MARRIAGE, ("declaration-form",))  # a paper result
    h = await stranger.walk_in(counter_birth, both)
    assert h["agency"]["code"] == SAI_GON

    clock.set(at(23, 9, 30))
    for walk_in in (e, f, g):
        await desk.act(walk_in, "receive", counter="Quầy 1")
        await desk.act(walk_in, "start_processing")
    await stranger.act(h, "receive")
    clock.set(at(23, 10, 0))
    await desk.act(a, "receive")
    await desk.act(a, "start_processing")
    await desk.result(a)
    await desk.act(a, "approve")
    await desk.act(a, "return")
    clock.set(at(23, 11, 0))
    await desk.act(c, "request_supplement", missing=["birth-certificate"])
    await desk.act(e, "reject", reason="Không thuộc thẩm quyền")
    await desk.act(g, "approve")
    await desk.act(g, "return")
    clock.set(at(23, 11, 30))
    rated = await client.post(f"/api/v1/dossiers/{a['id']}/rating", json={"score": 5}, headers=bearer(citizen))
    assert rated.status_code == 201
    clock.set(at(25, 10, 0))  # half an hour after B's reception deadline
    await desk.act(b, "receive")
    await desk.act(b, "start_processing")
    clock.set(at(26, 9, 0))  # a day after B's appointment date (same-day procedure)
    await desk.result(b)
    await desk.act(b, "approve")
    await desk.act(b, "return")
    rated = await client.post(f"/api/v1/dossiers/{b['id']}/rating", json={"score": 3}, headers=bearer(citizen))
    assert rated.status_code == 201
    clock.set(at(26, 12, 0))

    response = await client.get(URL, params={"agency": BEN_THANH, **NOVEMBER}, headers=bearer(desk.token))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "from": "2026-11-01",
        "to": "2026-11-30",
        "agency": BEN_THANH,
        "level": None,
        "received": 5,  # A, B, E, F, G (C was sent back, D never answered, H is another office's)
        "resolved": 4,  # A, B and G with a result, E refused
        "on_time_rate": 0.75,  # A, E, G on their appointment day; B a day late
        "online_share": 0.4,  # A, B of 5
        "digitized_share": 0.8,  # F's birth certificate was only seen in the original
        "electronic_result_share": 0.6667,  # A and B as files, G on paper
        "reception_on_time_rate": 0.5,  # A and C answered in time, B late, D past its deadline
        "satisfaction": 4.0,  # 5 and 3
        "ratings": 2,
        "overdue_now": 2,  # D (reception) and F (processing, due Monday)
    }

    later = await client.get(
        URL, params={"agency": BEN_THANH, "from": "2026-11-24", "to": "2026-11-30"}, headers=bearer(desk.token)
    )
    body = later.json()
    assert (body["received"], body["resolved"], body["on_time_rate"], body["online_share"]) == (1, 1, 0.0, 1.0)
    assert (body["reception_on_time_rate"], body["satisfaction"], body["ratings"]) == (None, 3.0, 1)

    communes = await client.get(URL, params={"level": "commune", **NOVEMBER}, headers=bearer(admin))
    assert communes.status_code == 200, communes.text
    assert (communes.json()["agency"], communes.json()["level"], communes.json()["received"]) == (None, "commune", 6)
    provinces = await client.get(URL, params={"level": "province", **NOVEMBER}, headers=bearer(admin))
    assert provinces.json()["received"] == 0 and provinces.json()["on_time_rate"] is None
    mismatch = await client.get(URL, params={"agency": BEN_THANH, "level": "province"}, headers=bearer(admin))
    assert mismatch.status_code == 422

    # another office's officer: 403 on this office's figures and on a whole level, 404 on its dossiers
    assert (await client.get(URL, params={"agency": BEN_THANH}, headers=bearer(stranger.token))).status_code == 403
    assert (await client.get(URL, params={"level": "commune"}, headers=bearer(stranger.token))).status_code == 403
    assert (await client.get(URL, params={"agency": BEN_THANH}, headers=bearer(citizen))).status_code == 403
    own = await client.get(URL, params={"agency": SAI_GON, **NOVEMBER}, headers=bearer(stranger.token))
    assert (own.json()["received"], own.json()["digitized_share"]) == (1, 1.0)
    for dossier in (a, f):
        url = f"/api/v1/officer/dossiers/{dossier['id']}"
        assert (await client.get(url, headers=bearer(stranger.token))).status_code == 404
