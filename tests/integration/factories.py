"""Records the integration tests need, made through the API as citizens and officers make them: one
builder per kind of record. The bodies they send are in helpers.py; what the bank sends, in
payments_helpers.py."""

from __future__ import annotations

from typing import Any

import httpx

from core.clock import FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.helpers import PDF, POLICE, birth_registration, passport_issuance, upload, walk_in
from tests.integration.payments_helpers import BANK, credit, signed

# Litestar's test client is an httpx client: the builders serve a real server over HTTP as well
Client = httpx.AsyncClient

# ---- dossiers filed online ---------------------------------------------------------------------------


async def submitted_dossier(client: Client, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A birth registration (or `body`) filed online with both mandatory papers, as the citizen sees it now."""
    dossier = (await client.post("/api/v1/dossiers", json=body or birth_registration(), headers=bearer(token))).json()
    for key in ("declaration-form", "birth-certificate"):
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            headers=bearer(token),
            **upload("a.pdf", PDF, "application/pdf", key),
        )
    assert (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))).status_code == 200
    found: dict[str, Any] = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(token))).json()
    return found


async def passport_dossier(client: Client, token: str, *, receive_with: str | None = None) -> dict[str, Any]:
    """A passport application submitted online, as created (a draft); received by the officer whose token
    is `receive_with`, when given, so that it awaits its fee."""
    response = await client.post("/api/v1/dossiers", json=passport_issuance(), headers=bearer(token))
    assert response.status_code == 201, response.text
    dossier = response.json()
    for key in ("tk01-form", "portrait-photos"):
        response = await client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents",
            headers=bearer(token),
            **upload("a.pdf", PDF, "application/pdf", key),
        )
        assert response.status_code == 201, response.text
    assert (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=bearer(token))).status_code == 200
    if receive_with:
        response = await act(client, receive_with, dossier["id"], action="receive")
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "awaiting_payment"
    return dict(dossier)


# ---- dossiers filed at the counter, and officers' moves ------------------------------------------------


async def filed_at_counter(client: Client, officer: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A draft the officer files at the counter for a walk-in applicant (walk_in() unless `body`)."""
    response = await client.post("/api/v1/officer/dossiers", json=body or walk_in(), headers=bearer(officer))
    assert response.status_code == 201, response.text
    dossier: dict[str, Any] = response.json()
    return dossier


async def scan(client: Client, officer: str, dossier_id: str, requirement: str) -> Any:
    """The officer scans the applicant's paper for `requirement` into the dossier."""
    return await client.post(
        f"/api/v1/officer/dossiers/{dossier_id}/documents",
        headers=bearer(officer),
        **upload("scan.pdf", PDF, "application/pdf", requirement),
    )


async def act(client: Client, officer: str, dossier_id: str, **body: Any) -> Any:
    """The officer's action on the dossier (`action=...` and its fields); the response, whatever it is."""
    return await client.post(f"/api/v1/officer/dossiers/{dossier_id}/actions", json=body, headers=bearer(officer))


# ---- payments -----------------------------------------------------------------------------------------


async def vietqr_payment(
    client: Client, make_token: TokenFactory, phone: str
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """A citizen's passport dossier awaiting its fee and its open VietQR payment, with the citizen's and
    the receiving officer's tokens."""
    citizen = await make_token(phone)
    officer = await make_token("09" + phone[2:], "officer", (POLICE,))
    dossier = await passport_dossier(client, citizen, receive_with=officer)
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    return citizen, officer, dossier, payment


async def pay_by_bank(client: Client, citizen: str, dossier: dict[str, Any], clock: FixedClock) -> None:
    """The citizen opens a VietQR payment and the bank's signed notification settles it."""
    payment = (
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/payments", json={"method": "vietqr"}, headers=bearer(citizen)
        )
    ).json()
    assert (await client.post(BANK, **signed(credit(payment), clock))).json() == {"result": "settled"}


async def paid_dossier(
    client: Client, make_token: TokenFactory, clock: FixedClock, phone: str
) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """vietqr_payment(), settled by the bank: the citizen's and officer's tokens, the dossier, the payment."""
    citizen, officer, dossier, payment = await vietqr_payment(client, make_token, phone)
    assert (await client.post(BANK, **signed(credit(payment), clock))).json() == {"result": "settled"}
    return citizen, officer, dossier, payment


# ---- the assistant ------------------------------------------------------------------------------------


async def ask(client: Client, text: str, **extra: Any) -> dict[str, Any]:
    """The assistant's answer to `text` (`session_id`, `locale` and `headers` pass through)."""
    headers = extra.pop("headers", {})
    response = await client.post("/api/v1/assistant/messages", json={"text": text, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
