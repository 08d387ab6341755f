"""The foundation story end to end through the HTTP API: sign in, find, file, receive, process, return."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from api.accounts.sms import MemorySmsSender
from core.clock import FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import PDF, PNG, birth_registration, read_qr, upload


async def sign_in(client: AsyncTestClient[Any], sms: MemorySmsSender, phone: str) -> str:
    response = await client.post("/api/v1/auth/otp", json={"phone": phone})
    assert response.status_code == 202, response.text
    assert response.json() == {"expires_in": 300, "resend_after": 60}
    assert "otp" not in response.text  # the code goes by SMS only
    code = sms.sent["0" + phone[-9:]]
    response = await client.post("/api/v1/auth/token", json={"phone": phone, "otp": code})
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    return str(tokens["access_token"])


async def test_birth_registration_from_sign_in_to_return(
    client: AsyncTestClient[Any], sms: MemorySmsSender, make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen = await sign_in(client, sms, "+84912345678")
    me = (await client.get("/api/v1/me", headers=bearer(citizen))).json()
    assert me["phone"] == "0912345678" and me["role"] == "citizen"

    found = (await client.get("/api/v1/procedures", params={"q": "dang ky khai sinh"})).json()
    assert found["items"][0]["slug"] == "birth-registration"
    found = (await client.get("/api/v1/procedures", params={"q": "khai sinh"})).json()
    assert found["items"][0]["slug"] == "birth-registration"

    response = await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))
    assert response.status_code == 201, response.text
    dossier = response.json()
    assert dossier["status"] == "draft" and dossier["code"] is None
    assert dossier["applicant"]["identity_number_masked"] == "0791******34"
    assert "079190001234" not in response.text
    assert dossier["applicant"]["address"]["ward"] == "Phường Bến Thành"
    agency = dossier["agency"]["code"]
    dossier_id = dossier["id"]

    response = await client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=bearer(citizen))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "birth-certificate" in response.json()["missing_requirements"]

    detail = (await client.get("/api/v1/procedures/birth-registration")).json()
    for requirement in detail["requirements"]:
        if requirement["mandatory"]:
            response = await client.post(
                f"/api/v1/dossiers/{dossier_id}/documents",
                headers=bearer(citizen),
                **upload("giay-chung-sinh.png", PNG, "image/png", requirement["key"]),
            )
            assert response.status_code == 201, response.text
            assert response.json()["content_type"] == "image/png"

    response = await client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=bearer(citizen))
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert re.fullmatch(re.escape(agency) + r"-261123-0001", receipt["code"])
    assert receipt["status"] == "submitted"
    assert receipt["appointment_date"] == "2026-11-23"  # same working day, before 15:00
    assert receipt["tracking_url"] == f"https://motcua.example.vn/t/{receipt['code']}?key={receipt['lookup_key']}"
    png = await client.get(f"/api/v1/dossiers/{dossier_id}/receipt.png", headers=bearer(citizen))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert read_qr(png.content) == receipt["tracking_url"]

    officer = await make_token("0900111222", "officer", (agency,))
    queue = (
        await client.get("/api/v1/officer/dossiers", params={"status": "submitted"}, headers=bearer(officer))
    ).json()
    assert [d["id"] for d in queue["items"]] == [dossier_id]

    clock.advance(timedelta(minutes=10))
    for action in ("receive", "start_processing"):
        response = await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": action}, headers=bearer(officer)
        )
        assert response.status_code == 200, response.text
    response = await client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": "approve"}, headers=bearer(officer)
    )
    assert response.status_code == 422 and response.json()["code"] == "result-required"
    response = await client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/result",
        headers=bearer(officer),
        **upload("kq.pdf", PDF, "application/pdf"),
    )
    assert response.status_code == 201, response.text
    for action in ("approve", "return"):
        response = await client.post(
            f"/api/v1/officer/dossiers/{dossier_id}/actions", json={"action": action}, headers=bearer(officer)
        )
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "returned"

    result = await client.get(f"/api/v1/dossiers/{dossier_id}/result", headers=bearer(citizen))
    assert result.status_code == 200 and result.content == PDF

    history = (await client.get(f"/api/v1/dossiers/{dossier_id}/history", headers=bearer(citizen))).json()["items"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "draft"),
        ("draft", "submitted"),
        ("submitted", "received"),
        ("received", "processing"),
        ("processing", "result_ready"),
        ("result_ready", "returned"),
    ]
    assert [h["actor_role"] for h in history] == ["citizen", "citizen", "officer", "officer", "officer", "officer"]
    assert (history[0]["action"], history[0]["data"], history[0]["note"]) == ("create", {}, None)

    tracked = await client.get(f"/api/v1/track/{receipt['code']}", params={"key": receipt["lookup_key"]})
    assert tracked.status_code == 200, tracked.text
    body = tracked.json()
    assert body["status"] == "returned" and body["applicant_name"] == "N*** T** Lan"
    assert "Nguyễn" not in tracked.text
    wrong = await client.get(f"/api/v1/track/{receipt['code']}", params={"key": "ZZZZZZZZ"})
    unknown = await client.get("/api/v1/track/000.00.00.H29-261123-9999", params={"key": receipt["lookup_key"]})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()

    rating = await client.post(
        f"/api/v1/dossiers/{dossier_id}/rating", json={"score": 5, "comment": "Nhanh"}, headers=bearer(citizen)
    )
    assert rating.status_code == 201
    again = await client.post(f"/api/v1/dossiers/{dossier_id}/rating", json={"score": 4}, headers=bearer(citizen))
    assert again.status_code == 409
