"""Results reach citizens signed by their office, and anyone can check one: pyHanko finds the signature
intact, trusted and over the whole file; the stamp's QR opens the verification page; the file verifies by
code and key and by upload, and a changed copy or an unsigned file does not."""

from __future__ import annotations

import hashlib
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pypdf
import pytest
from litestar.testing import AsyncTestClient
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from api.accounts.sms import MemorySmsSender
from asgi import create_app
from core.clock import FixedClock
from core.settings import Settings
from documents.paper import Paper
from documents.verification import trust_roots
from tests.integration.conftest import TokenFactory, bearer
from tests.integration.factories import paid_dossier
from tests.integration.helpers import PDF, first_page_png, read_qr_codes, upload


def a_real_result() -> bytes:
    paper = Paper(title="Quyết định", subject="kết quả", created=datetime(2026, 11, 23, tzinfo=UTC))
    paper.title("Quyết định cấp hộ chiếu phổ thông")
    paper.line("Cấp cho:", "Nguyễn Văn An")
    return paper.bytes()


@pytest.fixture
def signing_settings(settings: Settings, tmp_path: Path) -> Settings:
    return msgspec.structs.replace(settings, sign_results=True, data_dir=str(tmp_path))


@pytest.fixture
async def signing_client(
    signing_settings: Settings, clock: FixedClock, sms: MemorySmsSender
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(signing_settings, clock=clock, sms=sms)) as client:
        yield client


async def processing(
    client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock, phone: str
) -> tuple[str, str, dict[str, Any]]:
    citizen, officer, dossier, _ = await paid_dossier(client, make_token, clock, phone)
    found = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=bearer(citizen))).json()
    assert found["status"] == "processing", found["status"]
    return citizen, officer, found


async def approved(client: AsyncTestClient[Any], officer: str, dossier_id: str, result: bytes) -> Any:
    url = f"/api/v1/officer/dossiers/{dossier_id}"
    attached = await client.post(
        f"{url}/result", headers=bearer(officer), **upload("kq.pdf", result, "application/pdf")
    )
    assert attached.status_code == 201, attached.text
    return await client.post(f"{url}/actions", json={"action": "approve"}, headers=bearer(officer))


async def test_the_citizen_downloads_a_result_signed_by_the_office_that_anyone_can_verify(
    signing_client: AsyncTestClient[Any], signing_settings: Settings, make_token: TokenFactory, clock: FixedClock
) -> None:
    client = signing_client
    citizen, officer, dossier = await processing(client, make_token, clock, "0912777101")
    answer = await approved(client, officer, dossier["id"], a_real_result())
    assert answer.status_code == 200, answer.text
    signed = (await client.get(f"/api/v1/dossiers/{dossier['id']}/result", headers=bearer(citizen))).content

    roots = trust_roots((Path(signing_settings.data_dir) / "signing" / "ca.pem").read_bytes())
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = await async_validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert "Công an" in status.signing_cert.subject.native["common_name"]

    receipt = (await client.get(f"/api/v1/dossiers/{dossier['id']}/receipt", headers=bearer(citizen))).json()
    code, key = receipt["code"], receipt["lookup_key"]
    page_url = f"{signing_settings.public_base_url}/v/{code}?key={key}"
    assert page_url in read_qr_codes(first_page_png(signed))

    by_code = await client.get(f"/api/v1/verify/{code}", params={"key": key})
    assert by_code.status_code == 200
    found = by_code.json()
    assert found["code"] == code and found["status"] == "result_ready"
    assert found["procedure"]["slug"] == "passport-issuance"
    assert found["sha256"] == hashlib.sha256(signed).hexdigest()
    assert "Công an" in found["signed_by"] and found["signed_at"]
    assert (await client.get(f"/api/v1/verify/{code}", params={"key": "WRONG"})).status_code == 404
    assert (await client.get("/api/v1/verify/000.00.00.H00-000000-0000", params={"key": key})).status_code == 404
    page = await client.get(f"/v/{code}", params={"key": key})
    assert page.status_code == 200 and "ký số" in page.text

    uploaded = await client.post("/api/v1/verify", files={"file": ("kq.pdf", signed, "application/pdf")})
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json() | {"signed_at": None} == {
        "valid": True,
        "reason": None,
        "signed_by": found["signed_by"],
        "signed_at": None,
        "dossier_code": code,
        "issued_here": True,
    }
    changed = bytearray(signed)
    changed[signed.index(b"/Producer") + 12] ^= 1
    altered = (
        await client.post("/api/v1/verify", files={"file": ("kq.pdf", bytes(changed), "application/pdf")})
    ).json()
    assert (altered["valid"], altered["reason"], altered["issued_here"]) == (False, "altered", False)
    unsigned = (
        await client.post("/api/v1/verify", files={"file": ("kq.pdf", a_real_result(), "application/pdf")})
    ).json()
    assert (unsigned["valid"], unsigned["reason"]) == (False, "unsigned")


async def test_a_result_no_reader_opens_reaches_the_citizen_signed_in_an_envelope_that_carries_it(
    signing_client: AsyncTestClient[Any], make_token: TokenFactory, clock: FixedClock
) -> None:
    citizen, officer, dossier = await processing(signing_client, make_token, clock, "0912777102")
    answer = await approved(signing_client, officer, dossier["id"], PDF)  # a header, no page
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "result_ready"
    signed = (await signing_client.get(f"/api/v1/dossiers/{dossier['id']}/result", headers=bearer(citizen))).content
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    attachments = pypdf.PdfReader(io.BytesIO(signed)).attachments
    assert attachments == {"kq.pdf": [PDF]}
    uploaded = await signing_client.post("/api/v1/verify", files={"file": ("kq.pdf", signed, "application/pdf")})
    assert uploaded.json()["valid"] is True and uploaded.json()["issued_here"] is True
