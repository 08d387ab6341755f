"""Walk-in dossiers: an officer files, scans and receives them at the counter; the applicant follows in the app."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from api.accounts.sms import MemorySmsSender
from core.clock import FixedClock
from core.db import acquire
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, scan
from tests.integration.helpers import (
    BEN_THANH,
    EXE,
    PNG,
    SAI_GON,
    WALK_IN_APPLICANT_PHONE,
    birth_registration,
    upload,
    walk_in,
)
from tests.integration.push_helpers import drain
from tests.integration.standins.fcm import FcmStandin

DEVICE = "fcm-counter-" + "d" * 40


async def sign_in(client: AsyncTestClient[Any], sms: MemorySmsSender, phone: str) -> str:
    assert (await client.post("/api/v1/auth/otp", json={"phone": phone})).status_code == 202
    tokens = await client.post("/api/v1/auth/token", json={"phone": phone, "otp": sms.sent[phone]})
    assert tokens.status_code == 200, tokens.text
    token: str = tokens.json()["access_token"]
    return token


async def test_filed_with_scans_then_the_citizen_signs_in_sees_it_and_gets_the_next_push(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    sms: MemorySmsSender,
    clock: FixedClock,
    pool: asyncpg.Pool,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    officer = await make_token("0900700001", "officer", (BEN_THANH,))
    async with acquire(pool) as conn:
        await conn.execute("UPDATE users SET full_name = 'Lê Văn Tâm' WHERE phone = '0900700001'")
    draft = await filed_at_counter(client, officer)
    assert (draft["status"], draft["channel"], draft["agency"]["code"]) == ("draft", "counter", BEN_THANH)
    assert draft["digitized"] is False and draft["reception_due_at"] is None
    for key in ("declaration-form", "birth-certificate"):
        stored = await scan(client, officer, draft["id"], key)
        assert stored.status_code == 201, stored.text
        assert stored.json()["requirement"] == key
    refused = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        headers=bearer(officer),
        **upload("virus.pdf", EXE, "application/pdf", "identity-document"),
    )
    assert refused.status_code == 415  # the same checks as the citizen's uploads

    received = await act(client, officer, draft["id"], action="receive", counter="Quầy số 3")
    assert received.status_code == 200, received.text
    body = received.json()
    assert body["status"] == "received" and body["digitized"] is True
    assert body["code"].startswith(BEN_THANH + "-261123-") and len(body["lookup_key"]) == 8
    assert body["appointment_date"] == "2026-11-23"  # a same-day procedure, received at 09:00
    assert body["reception_due_at"] is None and body["overdue"] is None
    history = (await client.get(f"/api/v1/dossiers/{draft['id']}/history", headers=bearer(officer))).json()["items"]
    assert [(h["from_status"], h["to_status"], h["action"]) for h in history] == [
        (None, "draft", "create"),
        ("draft", "received", "receive"),
    ]
    assert history[0]["actor_role"] == "officer" and history[0]["actor_name"] == "Lê Văn Tâm"
    assert history[0]["data"] == {"channel": "counter", "office": BEN_THANH} and history[0]["note"] is None
    assert history[1]["actor_role"] == "officer" and history[1]["actor_name"] == "Lê Văn Tâm"
    assert history[1]["data"] == {"channel": "counter", "office": BEN_THANH, "counter": "Quầy số 3"}
    await drain(pool, clock, sender)
    assert fcm.messages == []  # nobody to tell yet

    citizen = await sign_in(client, sms, WALK_IN_APPLICANT_PHONE)
    mine = (await client.get("/api/v1/dossiers", headers=bearer(citizen))).json()
    assert [d["id"] for d in mine["items"]] == [draft["id"]]
    receipt = (await client.get(f"/api/v1/dossiers/{draft['id']}/receipt", headers=bearer(citizen))).json()
    assert receipt["code"] == body["code"]
    put = await client.put(
        f"/api/v1/devices/{DEVICE}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
    )
    assert put.status_code == 200

    assert (await act(client, officer, draft["id"], action="start_processing")).status_code == 200
    assert await drain(pool, clock, sender) == 1
    assert [(m["token"], m["data"]["type"]) for m in fcm.messages] == [(DEVICE, "dossier.processing")]
    assert fcm.messages[0]["data"]["dossier_id"] == draft["id"]


async def test_an_existing_account_owns_it_from_reception_and_a_fee_waits_for_payment(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token(WALK_IN_APPLICANT_PHONE)
    officer = await make_token("0900700002", "officer", (BEN_THANH,))
    body = walk_in(
        procedure="certified-copy",
        form={"document_type": "Bằng tốt nghiệp", "number_of_copies": 2, "pages_per_copy": 1},
    )
    draft = await filed_at_counter(client, officer, body)
    assert (await client.get(f"/api/v1/dossiers/{draft['id']}", headers=bearer(citizen))).status_code == 404
    assert (await client.get("/api/v1/dossiers", headers=bearer(citizen))).json()["total"] == 0  # not while a draft
    photo = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        headers=bearer(officer),
        **upload("bang.png", PNG, "image/png", "original-document"),
    )
    assert photo.status_code == 201
    received = (await act(client, officer, draft["id"], action="receive")).json()
    assert received["status"] == "awaiting_payment" and received["fee"] > 0
    seen = (await client.get(f"/api/v1/dossiers/{draft['id']}", headers=bearer(citizen))).json()
    assert seen["status"] == "awaiting_payment"
    pay = await client.post(
        f"/api/v1/dossiers/{draft['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
    )
    assert pay.status_code == 201, pay.text


async def test_a_paper_only_seen_in_the_original_is_not_digitized(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    officer = await make_token("0900700003", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer)
    missing = await act(client, officer, draft["id"], action="receive")
    assert missing.status_code == 422
    assert set(missing.json()["missing_requirements"]) == {"declaration-form", "birth-certificate"}
    assert (await scan(client, officer, draft["id"], "declaration-form")).status_code == 201
    seen = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        json={"requirement": "birth-certificate", "original_seen": True},
        headers=bearer(officer),
    )
    assert seen.status_code == 201, seen.text
    assert seen.json()["requirement"] == "birth-certificate" and seen.json()["original_seen"] is True
    unknown = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        json={"requirement": "no-such-paper", "original_seen": True},
        headers=bearer(officer),
    )
    assert unknown.status_code == 422
    received = (await act(client, officer, draft["id"], action="receive")).json()
    assert received["status"] == "received"
    assert received["digitized"] is False and received["originals_seen"] == ["birth-certificate"]
    assert [d["requirement"] for d in received["documents"]] == ["declaration-form"]


async def test_another_office_cannot_file_scan_receive_or_see(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    officer = await make_token("0900700004", "officer", (BEN_THANH,))
    stranger = await make_token("0900700005", "officer", (SAI_GON,))
    citizen = await make_token("0912777009")
    draft = await filed_at_counter(client, officer)
    forbidden = await client.post("/api/v1/officer/dossiers", json=walk_in(agency=BEN_THANH), headers=bearer(stranger))
    assert forbidden.status_code == 403
    assert (await scan(client, stranger, draft["id"], "declaration-form")).status_code == 404
    seen = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        json={"requirement": "birth-certificate", "original_seen": True},
        headers=bearer(stranger),
    )
    assert seen.status_code == 404
    assert (await act(client, stranger, draft["id"], action="receive")).status_code == 404
    assert (await client.get(f"/api/v1/officer/dossiers/{draft['id']}", headers=bearer(stranger))).status_code == 404
    listed = await client.get("/api/v1/officer/dossiers", headers=bearer(stranger))
    assert listed.json()["total"] == 0
    assert (await client.post("/api/v1/officer/dossiers", json=walk_in(), headers=bearer(citizen))).status_code == 403
    # the citizen route takes no channel, and an officer may not scan into a citizen's online draft
    assert (await client.post("/api/v1/dossiers", json=walk_in(), headers=bearer(citizen))).status_code in {400, 422}
    online = (
        await client.post("/api/v1/dossiers", json=birth_registration("0912777009"), headers=bearer(citizen))
    ).json()
    assert (await scan(client, officer, online["id"], "declaration-form")).status_code == 404
