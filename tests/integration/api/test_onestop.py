"""The province's one-stop system moves dossiers through the signed webhook, exactly once per event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from core.signing import sign
from tests.integration.api.onestop_helpers import ONESTOP_URL, onestop_signed
from tests.integration.conftest import ONESTOP_SECRET, TokenFactory, bearer
from tests.integration.factories import submitted_dossier


async def test_signed_event_moves_the_dossier_once(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912300001")
    dossier = await submitted_dossier(client, token)
    dossier_id, code = dossier["id"], dossier["code"]
    event = {
        "event_id": "ONESTOP-1",
        "dossier_code": code,
        "action": "receive",
        "note": "Tiếp nhận tại quầy 3",
        "occurred_at": clock.now().isoformat(),
        "actor": {"id": "cb-17", "name": "Lê Văn Bình", "agency": "x"},
    }
    first = await client.post(ONESTOP_URL, **onestop_signed(event, clock))
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "received"
    clock.advance(timedelta(seconds=30))
    replay = await client.post(ONESTOP_URL, **onestop_signed(event, clock))
    assert replay.status_code == 200
    assert replay.json() == first.json()
    history = (await client.get(f"/api/v1/dossiers/{dossier_id}/history", headers=bearer(token))).json()["items"]
    received = [h for h in history if h["to_status"] == "received"]
    assert len(received) == 1 and received[0]["actor_name"] == "Lê Văn Bình"


async def test_bad_signature_and_stale_timestamp_are_401_and_change_nothing(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912300002")
    dossier = await submitted_dossier(client, token)
    dossier_id, code = dossier["id"], dossier["code"]
    event = {"event_id": "ONESTOP-2", "dossier_code": code, "action": "receive", "occurred_at": clock.now().isoformat()}
    forged = await client.post(ONESTOP_URL, **onestop_signed(event, clock, secret="not-the-secret"))
    stale = await client.post(ONESTOP_URL, **onestop_signed(event, clock, age=301))
    unsigned = await client.post(ONESTOP_URL, json=event)
    assert forged.status_code == stale.status_code == unsigned.status_code == 401
    dossier = (await client.get(f"/api/v1/dossiers/{dossier_id}", headers=bearer(token))).json()
    assert dossier["status"] == "submitted"


async def test_a_move_the_status_forbids_is_409(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912300003")
    code = (await submitted_dossier(client, token))["code"]
    event = {"event_id": "ONESTOP-3", "dossier_code": code, "action": "return", "occurred_at": clock.now().isoformat()}
    response = await client.post(ONESTOP_URL, **onestop_signed(event, clock))
    assert response.status_code == 409


async def test_a_well_signed_body_that_is_not_json_is_400(client: AsyncTestClient[Any], clock: FixedClock) -> None:
    raw = b'{"event_id": "ONESTOP-4", '
    timestamp = str(int(clock.now().timestamp()))
    headers = {"X-Motcua-Timestamp": timestamp, "X-Motcua-Signature": sign(ONESTOP_SECRET, timestamp, raw)}
    response = await client.post(ONESTOP_URL, content=raw, headers={"Content-Type": "application/json", **headers})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "malformed-request"
