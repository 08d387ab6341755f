"""A walk-in dossier sent back for papers: the applicant brings them to the counter, the officer scans
them and resubmits and receives the dossier in one step."""

from __future__ import annotations

from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from notifications.senders import FirebaseSender
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import act, filed_at_counter, pay_by_bank, scan, submitted_dossier
from tests.integration.helpers import (
    BEN_THANH,
    PNG,
    SAI_GON,
    WALK_IN_APPLICANT_PHONE,
    birth_registration,
    upload,
    walk_in,
)
from tests.integration.push_helpers import drain
from tests.integration.standins.fcm import FcmStandin

DEVICE = "fcm-resubmit-" + "r" * 40


async def resubmit(client: AsyncTestClient[Any], officer: str, dossier_id: str, **body: Any) -> Any:
    return await client.post(f"/api/v1/officer/dossiers/{dossier_id}/resubmit", json=body, headers=bearer(officer))


async def history(client: AsyncTestClient[Any], token: str, dossier_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        await client.get(f"/api/v1/dossiers/{dossier_id}/history", headers=bearer(token))
    ).json()["items"]
    return items


async def see_original(client: AsyncTestClient[Any], officer: str, dossier_id: str, requirement: str) -> Any:
    return await client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/documents",
        json={"requirement": requirement, "original_seen": True},
        headers=bearer(officer),
    )


async def sent_back(client: AsyncTestClient[Any], officer: str, dossier_id: str, missing: str) -> None:
    asked = await act(
        client, officer, dossier_id, action="request_supplement", note="Ảnh chụp bị mờ", missing=[missing]
    )
    assert asked.status_code == 200, asked.text
    assert asked.json()["status"] == "supplement_requested"


async def test_the_officer_scans_the_paper_brought_and_receives_it_again_the_owner_hears_once(
    client: AsyncTestClient[Any],
    make_token: TokenFactory,
    pool: asyncpg.Pool,
    clock: FixedClock,
    fcm: FcmStandin,
    sender: FirebaseSender,
) -> None:
    citizen = await make_token(WALK_IN_APPLICANT_PHONE)  # the applicant's phone belongs to an account
    put = await client.put(
        f"/api/v1/devices/{DEVICE}", json={"platform": "android", "locale": "vi"}, headers=bearer(citizen)
    )
    assert put.status_code == 200
    officer = await make_token("0900710001", "officer", (BEN_THANH,))
    stranger = await make_token("0900710002", "officer", (SAI_GON,))
    draft = await filed_at_counter(client, officer)
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, draft["id"], key)).status_code == 201
    first = (await act(client, officer, draft["id"], action="receive", counter="Quầy số 3")).json()
    assert first["status"] == "received"
    assert (await act(client, officer, draft["id"], action="start_processing")).status_code == 200
    await sent_back(client, officer, draft["id"], "birth-certificate")
    await drain(pool, clock, sender)
    heard_before = len(fcm.messages)

    assert (await scan(client, stranger, draft["id"], "birth-certificate")).status_code == 404
    assert (await resubmit(client, stranger, draft["id"])).status_code == 404
    assert (await scan(client, officer, draft["id"], "birth-certificate")).status_code == 201

    again = await resubmit(client, officer, draft["id"], counter="Quầy số 5", note="Đã nhận bản chụp rõ")
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["status"] == "received" and body["channel"] == "counter"
    assert (body["code"], body["lookup_key"]) == (first["code"], first["lookup_key"])
    assert body["appointment_date"] == "2026-11-23" and body["overdue"] is None

    steps = await history(client, citizen, draft["id"])
    assert [(h["from_status"], h["to_status"], h["action"]) for h in steps[-3:]] == [
        ("processing", "supplement_requested", "request_supplement"),
        ("supplement_requested", "submitted", "submit"),
        ("submitted", "received", "receive"),
    ]
    desk = {"channel": "counter", "office": BEN_THANH, "counter": "Quầy số 5"}
    for step in steps[-2:]:
        assert step["actor_role"] == "officer" and step["data"] == desk
    assert steps[-1]["note"] == "Đã nhận bản chụp rõ"

    # the citizen hears that the dossier was received again, not of the submitted step in between
    assert await drain(pool, clock, sender) >= 1
    heard = fcm.messages[heard_before:]
    assert [(m["token"], m["data"]["type"]) for m in heard] == [(DEVICE, "dossier.received")]
    assert heard[0]["data"]["code"] == first["code"]
    seen = (await client.get(f"/api/v1/dossiers/{draft['id']}", headers=bearer(citizen))).json()
    assert seen["status"] == "received"

    assert (await resubmit(client, officer, draft["id"])).status_code == 409  # received now, nothing to resubmit


async def test_a_paid_dossier_goes_back_to_processing_and_missing_papers_are_refused_until_seen(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await make_token(WALK_IN_APPLICANT_PHONE)
    officer = await make_token("0900710003", "officer", (BEN_THANH,))
    draft = await filed_at_counter(
        client,
        officer,
        walk_in(
            procedure="certified-copy",
            form={"document_type": "Bằng tốt nghiệp", "number_of_copies": 2, "pages_per_copy": 1},
        ),
    )
    photo = await client.post(
        f"/api/v1/officer/dossiers/{draft['id']}/documents",
        headers=bearer(officer),
        **upload("bang.png", PNG, "image/png", "original-document"),
    )
    assert photo.status_code == 201
    assert (await act(client, officer, draft["id"], action="receive")).json()["status"] == "awaiting_payment"
    await pay_by_bank(client, citizen, draft, clock)
    await sent_back(client, officer, draft["id"], "original-document")
    # the applicant took the blurry photo out in the app and brings the paper itself
    removed = await client.delete(
        f"/api/v1/dossiers/{draft['id']}/documents/{photo.json()['id']}", headers=bearer(citizen)
    )
    assert removed.status_code == 204

    missing = await resubmit(client, officer, draft["id"])
    assert missing.status_code == 422
    assert missing.json()["code"] == "missing-documents"
    assert missing.json()["missing_requirements"] == ["original-document"]
    refused = await client.get(f"/api/v1/officer/dossiers/{draft['id']}", headers=bearer(officer))
    assert refused.json()["status"] == "supplement_requested"  # nothing of the refused attempt stayed

    seen = await see_original(client, officer, draft["id"], "original-document")
    assert seen.status_code == 201, seen.text
    again = await resubmit(client, officer, draft["id"])
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "processing"  # the fee was paid before it was sent back
    assert again.json()["digitized"] is False
    steps = await history(client, officer, draft["id"])
    assert [(h["from_status"], h["to_status"], h["action"]) for h in steps[-3:]] == [
        ("supplement_requested", "submitted", "submit"),
        ("submitted", "received", "receive"),
        ("received", "processing", "settle_payment"),
    ]


async def test_only_a_counter_dossier_sent_back_is_resubmitted_by_an_officer(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    officer = await make_token("0900710004", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer)
    for key in ("declaration-form", "birth-certificate"):
        assert (await scan(client, officer, draft["id"], key)).status_code == 201
    conflict = await resubmit(client, officer, draft["id"])
    assert conflict.status_code == 409  # a counter draft is received, not resubmitted
    assert conflict.json()["code"] == "invalid-transition"

    citizen = await make_token("0912777010")
    online = await submitted_dossier(client, citizen, birth_registration("0912777010"))
    await sent_back(client, officer, online["id"], "birth-certificate")
    refused = await resubmit(client, officer, online["id"])
    assert refused.status_code == 403
    assert refused.json()["code"] == "resubmitted-by-citizen"
    assert (await client.post(f"/api/v1/dossiers/{online['id']}/submit", headers=bearer(citizen))).status_code == 200


async def test_the_owner_may_resubmit_in_the_app_and_an_original_seen_at_the_counter_still_counts(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    citizen = await make_token(WALK_IN_APPLICANT_PHONE)
    officer = await make_token("0900710005", "officer", (BEN_THANH,))
    draft = await filed_at_counter(client, officer)
    assert (await scan(client, officer, draft["id"], "declaration-form")).status_code == 201
    seen = await see_original(client, officer, draft["id"], "birth-certificate")
    assert seen.status_code == 201
    assert (await act(client, officer, draft["id"], action="receive")).json()["status"] == "received"
    assert (await act(client, officer, draft["id"], action="start_processing")).status_code == 200
    await sent_back(client, officer, draft["id"], "declaration-form")
    submitted = await client.post(f"/api/v1/dossiers/{draft['id']}/submit", headers=bearer(citizen))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
