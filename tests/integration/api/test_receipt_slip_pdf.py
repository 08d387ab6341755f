"""The receipt slip as the citizen prints it and an outside check reads it: an A4 PDF whose Vietnamese
text extracts with pypdf, whose QR a real reader finds on the rendered page, for the owner and the
office's officers only."""

from __future__ import annotations

import io
from typing import Any

import pypdf
from litestar.testing import AsyncTestClient

from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import submitted_dossier
from tests.integration.helpers import BEN_THANH, birth_registration, first_page_png, read_qr


async def received(client: AsyncTestClient[Any], make_token: TokenFactory) -> tuple[dict[str, Any], str, str]:
    citizen = await make_token("0912555101")
    officer = await make_token("0900555101", "officer", (BEN_THANH,))
    dossier = await submitted_dossier(client, citizen)
    answer = await client.post(
        f"/api/v1/officer/dossiers/{dossier['id']}/actions", json={"action": "receive"}, headers=bearer(officer)
    )
    assert answer.status_code == 200, answer.text
    return answer.json(), citizen, officer


async def test_the_owner_prints_an_a4_slip_with_the_code_the_applicant_and_the_appointment(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    dossier, citizen, _ = await received(client, make_token)
    answer = await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt.pdf", headers=bearer(citizen))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(answer.content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = page.extract_text()
    assert dossier["code"] in text
    assert dossier["applicant"]["full_name"] in text
    assert "tiếp nhận" in text.lower()
    y, m, d = dossier["appointment_date"].split("-")
    assert f"{d}/{m}/{y}" in text
    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    assert receipt["lookup_key"] in text
    assert read_qr(first_page_png(answer.content)) == receipt["tracking_url"]


async def test_the_office_prints_it_in_english_too_and_a_stranger_gets_nothing(
    client: AsyncTestClient[Any], make_token: TokenFactory
) -> None:
    dossier, _, officer = await received(client, make_token)
    english = await client.get(
        f"/api/v1/dossiers/{dossier['id']}/receipt.pdf", headers={**bearer(officer), "Accept-Language": "en"}
    )
    assert english.status_code == 200
    assert (
        "DOSSIER RECEIPT AND APPOINTMENT SLIP" in pypdf.PdfReader(io.BytesIO(english.content)).pages[0].extract_text()
    )
    stranger = await make_token("0912555199")
    refused = await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt.pdf", headers=bearer(stranger))
    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_a_draft_has_no_slip(client: AsyncTestClient[Any], make_token: TokenFactory) -> None:
    citizen = await make_token("0912555102")

    draft = (await client.post("/api/v1/dossiers", json=birth_registration(), headers=bearer(citizen))).json()
    assert (await client.get(f"/api/v1/dossiers/{draft['id']}/receipt.pdf", headers=bearer(citizen))).status_code == 404
