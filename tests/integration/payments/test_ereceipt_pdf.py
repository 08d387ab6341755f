"""The e-receipt as a paper: the amount in figures and in words, the payer, the fee, the dossier code,
and the QR of the public verification page that a real reader finds on the rendered page."""

from __future__ import annotations

import io
from typing import Any

import pypdf
from litestar.testing import AsyncTestClient

from core.clock import FixedClock
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import paid_dossier
from tests.integration.helpers import first_page_png, read_qr


async def test_the_payer_prints_the_receipt_with_the_amount_in_words_and_its_verification_qr(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen, officer, _, payment = await paid_dossier(client, make_token, clock, "0912666101")
    receipt = (await client.get(f"/api/v1/payments/{payment['id']}/receipt", headers=bearer(citizen))).json()
    answer = await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=bearer(citizen))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = pypdf.PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    for expected in (
        receipt["number"],
        receipt["amount_in_words"],
        f"{receipt['amount']:,}".replace(",", ".") + " ₫",
        receipt["payer"],
        receipt["procedure"],
        receipt["dossier_code"],
    ):
        assert expected in text, expected
    assert read_qr(first_page_png(answer.content)) == receipt["verify_url"]
    office = await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=bearer(officer))
    assert office.status_code == 200


async def test_a_stranger_gets_no_receipt(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    _, _, _, payment = await paid_dossier(client, make_token, clock, "0912666102")
    stranger = await make_token("0912666199")
    assert (
        await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=bearer(stranger))
    ).status_code == 404
