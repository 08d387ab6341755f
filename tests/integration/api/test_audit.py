"""The audit trail of a dossier: every officer's read and action, the one-stop system's included, in an
append-only table, written with the action or by the read itself; GET /api/v1/officer/dossiers/{id}/audit."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from api.dossiers.reads import LIST_ATTACHMENTS
from core.audit import AuditActor, AuditEntry
from core.auth import verify_access_token
from core.db import acquire
from core.events import DossierStatusChanged
from core.settings import Settings
from tests.integration.api.onestop_helpers import ONESTOP_URL, onestop_signed
from tests.integration.conftest import DEFAULT_NOW, TokenFactory, bearer
from tests.integration.factories import filed_at_counter, paid_dossier, scan, submitted_dossier
from tests.integration.helpers import PDF, upload


def _user_id(token: str, settings: Settings) -> str:
    return str(verify_access_token(token, secret=settings.jwt_secret, now=DEFAULT_NOW).user_id)


async def _trail(client: AsyncTestClient[Any], token: str, dossier_id: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/officer/dossiers/{dossier_id}/audit", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _actions(trail: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(item["action"], item["detail"]) for item in trail["items"]]


async def test_officer_reads_are_on_the_trail_and_citizen_reads_are_not(
    client: AsyncTestClient[Any], make_token: TokenFactory, settings: Settings
) -> None:
    citizen = await make_token("0912800001")
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900800001", "officer", (dossier["agency"]["code"],))
    assert (await _trail(client, officer, dossier["id"])) == {"items": [], "total": 0}  # the citizen's reads

    assert (await client.get(f"/api/v1/officer/dossiers/{dossier['id']}", headers=bearer(officer))).status_code == 200
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(officer))).status_code == 200
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}/history", headers=bearer(officer))).status_code == 200
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(officer))).status_code == 200

    trail = await _trail(client, officer, dossier["id"])
    assert trail["total"] == 4
    assert _actions(trail) == [("view", {"of": "receipt"}), ("view", {"of": "history"}), ("view", None), ("view", None)]
    assert {item["actor"]["id"] for item in trail["items"]} == {_user_id(officer, settings)}
    assert {item["actor"]["role"] for item in trail["items"]} == {"officer"}
    assert trail["items"][0]["at"].startswith("2026-11-23T02:00:00")
    # reading the trail is not itself on it
    assert (await _trail(client, officer, dossier["id"]))["total"] == 4

    page = await _trail(client, officer, dossier["id"], limit=2, offset=1)
    assert page["total"] == 4 and _actions(page) == [("view", {"of": "history"}), ("view", None)]


async def test_who_may_read_the_trail(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    citizen = await make_token("0912800002")
    dossier = await submitted_dossier(client, citizen)
    url = f"/api/v1/officer/dossiers/{dossier['id']}/audit"
    other_office = await make_token("0900800002", "officer", ("000.00.01.H29",))
    admin = await make_token("0900800003", "admin")
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=bearer(citizen))).status_code == 403
    assert (await client.get(url, headers=bearer(other_office))).status_code == 404
    assert (await client.get(f"/api/v1/officer/dossiers/{uuid.uuid4()}/audit", headers=bearer(admin))).status_code == (
        404
    )
    assert (await client.get(url, params={"limit": 101}, headers=bearer(admin))).status_code == 422
    assert (await client.get(f"/api/v1/officer/dossiers/{dossier['id']}", headers=bearer(admin))).status_code == 200
    trail = await _trail(client, admin, dossier["id"])
    assert [(i["action"], i["actor"]["role"]) for i in trail["items"]] == [("view", "admin")]
    # a refused read is no read
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(other_office))).status_code == 404
    assert (await _trail(client, admin, dossier["id"]))["total"] == 1


async def test_actions_and_the_result_download_are_on_the_trail(
    client: AsyncTestClient[Any], make_token: TokenFactory, settings: Settings
) -> None:
    citizen = await make_token("0912800003")
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900800004", "officer", (dossier["agency"]["code"],))
    base = f"/api/v1/officer/dossiers/{dossier['id']}"
    for action in ("receive", "start_processing"):
        response = await client.post(f"{base}/actions", json={"action": action}, headers=bearer(officer))
        assert response.status_code == 200, response.text
    response = await client.post(f"{base}/result", headers=bearer(officer), **upload("kq.pdf", PDF, "application/pdf"))
    assert response.status_code == 201, response.text
    result_id = response.json()["document_id"]
    assert (
        await client.post(f"{base}/actions", json={"action": "approve"}, headers=bearer(officer))
    ).status_code == 200
    download = await client.get(f"/api/v1/dossiers/{dossier['id']}/result", headers=bearer(officer))
    assert download.status_code == 200 and download.content == PDF
    assert (await client.get(f"/api/v1/dossiers/{dossier['id']}/result", headers=bearer(citizen))).status_code == 200

    trail = await _trail(client, officer, dossier["id"])
    assert _actions(trail) == [
        ("download", {"of": "result", "document_id": result_id}),
        ("approve", {"from": "processing", "to": "result_ready"}),
        ("attach_result", {"document_id": result_id}),
        ("start_processing", {"from": "received", "to": "processing"}),
        ("receive", {"from": "submitted", "to": "received"}),
    ]  # the answers to the actions are not reads of their own; the citizen's download is no officer's
    assert {i["actor"]["id"] for i in trail["items"]} == {_user_id(officer, settings)}


async def test_a_one_stop_event_is_on_the_trail_with_the_one_stop_actor(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: Any
) -> None:
    citizen = await make_token("0912800004")
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900800005", "officer", (dossier["agency"]["code"],))
    event = {
        "event_id": "ONESTOP-AUDIT-1",
        "dossier_code": dossier["code"],
        "action": "receive",
        "occurred_at": clock.now().isoformat(),
        "actor": {"id": "cb-17", "name": "Lê Văn Bình"},
    }
    response = await client.post(ONESTOP_URL, **onestop_signed(event, clock))
    assert response.status_code == 200, response.text
    replay = await client.post(ONESTOP_URL, **onestop_signed(event, clock))
    assert replay.status_code == 200
    trail = await _trail(client, officer, dossier["id"])
    assert trail["items"] == [
        {
            "at": trail["items"][0]["at"],
            "actor": {"id": "cb-17", "role": "one-stop"},
            "action": "receive",
            "detail": {"from": "submitted", "to": "received", "event_id": "ONESTOP-AUDIT-1"},
        }
    ]  # once: the replay changed nothing
    refused = {**event, "event_id": "ONESTOP-AUDIT-2", "action": "return"}  # not from received
    assert (await client.post(ONESTOP_URL, **onestop_signed(refused, clock))).status_code == 409
    assert (await _trail(client, officer, dossier["id"]))["total"] == 1


async def test_a_failed_action_leaves_no_entry(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912800005")
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900800006", "officer", (dossier["agency"]["code"],))
    url = f"/api/v1/officer/dossiers/{dossier['id']}/actions"
    assert (await client.post(url, json={"action": "return"}, headers=bearer(officer))).status_code == 409
    assert (await client.post(url, json={"action": "reject"}, headers=bearer(officer))).status_code == 422

    # a failure after the move and its entry were written: the whole action goes, its entry with it
    async def fails(conn: asyncpg.Connection, events: list[DossierStatusChanged]) -> None:
        raise RuntimeError("the outbox is unreachable")

    bus = client.app.state.ctx.bus
    bus.subscribe_batch(DossierStatusChanged, fails)
    try:
        assert (await client.post(url, json={"action": "receive"}, headers=bearer(officer))).status_code == 500
    finally:
        bus._handlers[DossierStatusChanged].remove(fails)
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM dossier_audit") == 0
        assert await conn.fetchval("SELECT status FROM dossiers WHERE id = $1", uuid.UUID(dossier["id"])) == (
            "submitted"
        )
    assert (await client.post(url, json={"action": "receive"}, headers=bearer(officer))).status_code == 200
    assert _actions(await _trail(client, officer, dossier["id"])) == [
        ("receive", {"from": "submitted", "to": "received"})
    ]


async def test_counter_filing_and_refunds_are_on_the_trail(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: Any, settings: Settings
) -> None:
    officer = await make_token("0900800007", "officer", ("000.01.14.H29",))
    dossier = await filed_at_counter(client, officer)
    assert (await scan(client, officer, dossier["id"], "birth-certificate")).status_code == 201
    trail = await _trail(client, officer, dossier["id"])
    assert [i["action"] for i in trail["items"]] == ["add_document", "file_at_counter"]
    assert trail["items"][1]["detail"] == {"office": "000.01.14.H29"}

    _, cashier, paid, payment = await paid_dossier(client, make_token, clock, "0912800006")
    response = await client.post(
        f"/api/v1/officer/payments/{payment['id']}/refund", json={"reason": "Nộp nhầm"}, headers=bearer(cashier)
    )
    assert response.status_code == 200, response.text
    trail = await _trail(client, cashier, paid["id"])
    assert trail["items"][0] == {
        "at": trail["items"][0]["at"],
        "actor": {"id": _user_id(cashier, settings), "role": "officer"},
        "action": "refund",
        "detail": {"payment_id": payment["id"], "amount": 200000},
    }
    assert [i["action"] for i in trail["items"]] == ["refund", "receive"]


async def test_the_trail_is_append_only(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912800007")
    dossier = await submitted_dossier(client, citizen)
    officer = await make_token("0900800008", "officer", (dossier["agency"]["code"],))
    assert (await client.get(f"/api/v1/officer/dossiers/{dossier['id']}", headers=bearer(officer))).status_code == 200
    async with acquire(pool) as conn:
        for statement in (
            "UPDATE dossier_audit SET action = 'nothing'",
            "DELETE FROM dossier_audit",
            "TRUNCATE dossier_audit",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="append-only"):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT count(*) FROM dossier_audit WHERE action = 'view'") == 1


async def test_a_read_entry_loosens_the_commit_of_its_own_statement_only(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    citizen = await make_token("0912800008")
    dossier = await submitted_dossier(client, citizen)
    dossier_id = uuid.UUID(dossier["id"])
    entry = AuditEntry(dossier_id, AuditActor(str(uuid.uuid4()), "officer"), "view", DEFAULT_NOW)
    async with acquire(pool) as conn:
        assert len(await LIST_ATTACHMENTS.fetch(conn, [dossier_id], entry=entry)) == 2
        assert await conn.fetchval("SHOW synchronous_commit") == "on"  # for that statement only
        async with conn.transaction():
            await LIST_ATTACHMENTS.fetch(conn, [dossier_id], entry=entry)
            assert await conn.fetchval("SHOW synchronous_commit") == "on"  # an action around it stays durable
        assert await conn.fetchval("SELECT count(*) FROM dossier_audit WHERE dossier_id = $1", dossier_id) == 2
