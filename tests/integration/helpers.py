"""Request bodies and files the integration tests share."""

from __future__ import annotations

import subprocess
from typing import Any

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b550000000a49444154789c636800000082008177cd72b6"
    "0000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 64
    + b"This program cannot be run in DOS mode"
)

BEN_THANH = "000.00.12.H04"


def applicant(phone: str = "0912345678", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "full_name": "Nguyễn Thị Lan",
        "identity_number": "079190001234",
        "date_of_birth": "1990-05-12",
        "phone": phone,
        "email": None,
        "address": "12 Lê Lợi, phường Bến Thành, TP.HCM",
    }
    body.update(changes)
    return body


def birth_registration(phone: str = "0912345678", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": "birth-registration",
        "applicant": applicant(phone),
        "form": {
            "child_full_name": "Trần Minh Khang",
            "child_sex": "nam",
            "child_date_of_birth": "2026-11-01",
            "place_of_birth": "Bệnh viện Từ Dũ, TP.HCM",
            "child_ethnicity": "Kinh",
        },
        "delivery": {"method": "desk"},
    }
    body.update(changes)
    return body


def upload(name: str, content: bytes, content_type: str, requirement: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"files": {"file": (name, content, content_type)}}
    if requirement is not None:
        kwargs["data"] = {"requirement": requirement}
    return kwargs


async def submitted_dossier(client: Any, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A birth registration (or `body`) filed online with both mandatory papers, as the citizen sees it now."""
    auth = {"Authorization": f"Bearer {token}"}
    dossier = (await client.post("/api/v1/dossiers", json=body or birth_registration(), headers=auth)).json()
    for key in ("declaration-form", "birth-certificate"):
        await client.post(
            f"/api/v1/dossiers/{dossier['id']}/documents", headers=auth, **upload("a.pdf", PDF, "application/pdf", key)
        )
    assert (await client.post(f"/api/v1/dossiers/{dossier['id']}/submit", headers=auth)).status_code == 200
    found: dict[str, Any] = (await client.get(f"/api/v1/dossiers/{dossier['id']}", headers=auth)).json()
    return found


def read_qr(png: bytes) -> str:
    """Read a QR image as a phone would: with zbar's command-line reader."""
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-"], input=png, capture_output=True, check=True, timeout=30
    )
    return result.stdout.decode().strip()
