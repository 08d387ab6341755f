"""Dossier rules that must hold against the real database: codes, races, uploads, privacy, edits."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.context import AppContext
from api.dossiers import lifecycle
from api.dossiers.models import OfficerActionIn
from core.auth import Principal, Role
from core.clock import VN_TZ, FixedClock
from core.db import acquire
from core.errors import ConflictError
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import EXE, PDF, PNG, birth_registration, upload


async def _complete_draft(client: AsyncTestClient[Any], token: str, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/dossiers", json=birth_registration(**changes), headers=bearer(token))
    assert response.status_code == 201, response.text
    dossier = response.json()
    for key in ("birth-certificate", "declaration-form"):
        response = await client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            headers=bearer(token),
            **upload("a.pdf", PDF, "application/pdf", key),
        )
        assert response.status_code == 201, response.text
    return dict(dossier)


async def test_fifty_concurrent_submissions_get_fifty_consecutive_codes(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, app_context: AppContext
) -> None:
    token = await make_token("0912000001")
    drafts = [await _complete_draft(client, token) for _ in range(50)]
    agency = drafts[0]["agency"]["code"]
    ctx = app_context
    owner = await _owner(ctx, drafts[0]["id"])
    principal = Principal(user_id=owner, role=Role.CITIZEN, phone="0912000001")

    async def submit(dossier_id: str) -> str:
        async with acquire(ctx.pool) as conn:  # one real connection each, as fifty requests would have
            receipt = await lifecycle.submit(conn, ctx.moving, ctx.showing, principal, uuid.UUID(dossier_id), "vi")
        return receipt.code

    codes = await asyncio.gather(*(submit(d["id"]) for d in drafts))
    assert sorted(codes) == [f"{agency}-261123-{n:04d}" for n in range(1, 51)]


async def _owner(ctx: AppContext, dossier_id: str) -> uuid.UUID:
    async with acquire(ctx.pool) as conn:
        owner: uuid.UUID = await conn.fetchval("SELECT owner_id FROM dossiers WHERE id = $1", uuid.UUID(dossier_id))
    return owner


async def test_two_officers_acting_at_once_exactly_one_wins(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool, app_context: AppContext
) -> None:
    token = await make_token("0912000002")
    dossier = await _complete_draft(client, token)
    assert (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))).status_code == 200
    ctx = app_context
    agency = dossier["agency"]["code"]
    officers = [
        Principal(user_id=uuid.uuid4(), role=Role.OFFICER, phone=f"090000000{i}", agencies=(agency,)) for i in range(2)
    ]
    bodies = [OfficerActionIn(action="receive"), OfficerActionIn(action="reject", reason="Không thuộc thẩm quyền")]

    async def act(officer: Principal, body: OfficerActionIn) -> str:
        async with acquire(ctx.pool) as conn:
            try:
                await lifecycle.act(
                    conn,
                    ctx.moving,
                    uuid.UUID(dossier["id"]),
                    body,
                    actor=lifecycle.ActorInfo.of(officer),
                    principal=officer,
                )
            except ConflictError:
                return "lost"
            return "won"

    outcomes = await asyncio.gather(*(act(o, b) for o, b in zip(officers, bodies, strict=True)))
    assert sorted(outcomes) == ["lost", "won"]
    history = (await client.get(f"/api/v1/dossiers/{dossier['id']}/history", headers=bearer(token))).json()["items"]
    assert len([h for h in history if h["from_status"] == "submitted"]) == 1


async def test_second_identical_action_over_http_is_a_conflict(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    token = await make_token("0912000003")
    dossier = await _complete_draft(client, token)
    await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))
    officer = await make_token("0900000003", "officer", (dossier["agency"]["code"],))
    url = f"/api/v1/officer/dossiers/{dossier['id']}/actions"
    first = await client.post(url, json={"action": "receive"}, headers=bearer(officer))
    second = await client.post(url, json={"action": "receive"}, headers=bearer(officer))
    assert first.status_code == 200
    assert second.status_code == 409 and second.json()["code"] == "invalid-transition"


async def test_renamed_exe_is_refused_as_a_pdf(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    token = await make_token("0912000004")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))).json()
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/documents",
        headers=bearer(token),
        **upload("giay-chung-sinh.pdf", EXE, "application/pdf", "birth-certificate"),
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported-file-type"
    detail = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(token))).json()
    assert detail["documents"] == []


async def test_oversized_upload_is_413_and_stores_nothing(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    token = await make_token("0912000005")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))).json()
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/documents",
        headers=bearer(token),
        **upload("big.pdf", big, "application/pdf", "birth-certificate"),
    )
    assert response.status_code == 413
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM documents") == 0


async def test_unknown_requirement_is_422(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    token = await make_token("0912000006")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))).json()
    response = await client.post(
        f"/api/v1/dossiers/{dossier['id']}/documents",
        headers=bearer(token),
        **upload("a.png", PNG, "image/png", "no-such-paper"),
    )
    assert response.status_code == 422


async def test_another_citizens_dossier_is_404(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    owner = await make_token("0912000007")
    stranger = await make_token("0912000008")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(owner))).json()
    for method, path in (
        ("GET", f"/api/v1/dossiers/{dossier['id']}"),
        ("GET", f"/api/v1/dossiers/{dossier['id']}/history"),
        ("POST", f"/api/v1/dossiers/{dossier['id']}/submit"),
        ("POST", f"/api/v1/dossiers/{dossier['id']}/withdraw"),
    ):
        response = await client.request(method, path, headers=bearer(stranger))
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "dossier-not-found"
    other_office = await make_token("0900000009", "officer", ("000.00.01.H29",))
    response = await client.get(f"/api/v1/officer/dossiers/{dossier['id']}", headers=bearer(other_office))
    assert response.status_code == 404


async def test_invalid_applicant_names_every_bad_field_and_writes_nothing(
    client: AsyncTestClient[Any], make_token: TokenFactory, pool: asyncpg.Pool
) -> None:
    token = await make_token("0912000010")
    body = birth_registration()
    body["applicant"].update(identity_number="12345", phone="12345", full_name="X")
    body["form"] = {"child_sex": "khac"}
    response = await client.post("/api/v1/dossiers", json=body, headers={**bearer(token), "Accept-Language": "en"})
    assert response.status_code == 422
    problem = response.json()
    fields = {e["field"] for e in problem["errors"]}
    assert {
        "applicant.identity_number",
        "applicant.phone",
        "applicant.full_name",
        "form.child_full_name",
        "form.child_sex",
    } <= fields
    assert problem["title"] == "Invalid data"
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT count(*) FROM dossiers") == 0


async def test_malformed_json_is_400_problem(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    token = await make_token("0912000011")
    response = await client.post(
        "/api/v1/dossiers", content=b"{not json", headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_no_token_is_401_and_officer_cannot_file(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    assert (await client.get("/api/v1/dossiers")).status_code == 401
    officer = await make_token("0900000012", "officer", ("000.00.01.H29",))
    response = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(officer))
    assert response.status_code == 403


async def test_supplement_round_trip_keeps_code_and_key(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    token = await make_token("0912000013")
    dossier = await _complete_draft(client, token)
    receipt = (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))).json()
    officer = await make_token("0900000013", "officer", (dossier["agency"]["code"],))
    url = f"/api/v1/officer/dossiers/{dossier['id']}/actions"
    empty = await client.post(url, json={"action": "request_supplement", "missing": []}, headers=bearer(officer))
    assert empty.status_code == 422
    no_reason = await client.post(url, json={"action": "reject"}, headers=bearer(officer))
    assert no_reason.status_code == 422
    asked = await client.post(
        url,
        json={"action": "request_supplement", "note": "Ảnh chụp bị mờ", "missing": ["birth-certificate"]},
        headers=bearer(officer),
    )
    assert asked.status_code == 200 and asked.json()["status"] == "supplement_requested"
    patched = await client.patch(
        f"/api/v1/dossiers/{dossier['id']}", json={"delivery": {"method": "post"}}, headers=bearer(token)
    )
    assert patched.status_code == 422  # post needs an address
    patched = await client.patch(
        f"/api/v1/dossiers/{dossier['id']}",
        json={"delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}},
        headers=bearer(token),
    )
    assert patched.status_code == 200, patched.text
    clock.set(datetime(2026, 11, 23, 16, 0, tzinfo=VN_TZ))
    response = await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))
    assert response.status_code == 200, response.text
    again = response.json()
    assert (again["code"], again["lookup_key"]) == (receipt["code"], receipt["lookup_key"])
    assert again["appointment_date"] == "2026-11-25"  # after 15:00 on Mon, and Tue 24/11 is a day off


async def test_withdraw_then_nothing_more(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    token = await make_token("0912000014")
    dossier = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))).json()
    response = await client.post(f"/api/v1/dossiers/{dossier['id']}/withdraw", headers=bearer(token))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))
    assert response.status_code == 409


async def test_wallet_document_attaches_to_a_new_dossier(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    token = await make_token("0912000015")
    first = await _complete_draft(client, token)
    wallet = (await client.get("/api/v1/documents", headers=bearer(token))).json()
    assert wallet["total"] >= 1
    second = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(token))).json()
    response = await client.post(
        f"/api/v1/dossiers/{second['id']}/documents",
        json={"requirement": "birth-certificate", "document_id": wallet["items"][0]["id"]},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    stranger = await make_token("0912000016")
    third = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(stranger))).json()
    response = await client.post(
        f"/api/v1/dossiers/{third['id']}/documents",
        json={"requirement": "birth-certificate", "document_id": wallet["items"][0]["id"]},
        headers=bearer(stranger),
    )
    assert response.status_code == 404
    assert first["id"] != second["id"]
