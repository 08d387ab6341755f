"""What the integration tests send and read, shared: request bodies, files, office codes, the signed
request the bank and the one-stop system make, and a QR image read back as a phone reads it. Records
made through the API from these bodies are in factories.py."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

from core.clock import FixedClock
from core.signing import sign

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

POLICE = "000.00.01.H29"  # Công an Thành phố Hồ Chí Minh, the only office issuing passports
BEN_THANH = "000.01.14.H29"  # UBND phường Bến Thành, where the applicant of applicant() lives
SAI_GON = "000.01.73.H29"  # UBND phường Sài Gòn, another ward's office
WALK_IN_APPLICANT_PHONE = "0912777001"  # the phone of walk_in()'s applicant


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


def walk_in(phone: str = WALK_IN_APPLICANT_PHONE, **changes: Any) -> dict[str, Any]:
    """A birth registration an officer files at the counter for an applicant who walked in."""
    return {**birth_registration(phone), "channel": "counter", **changes}


def passport_issuance(**changes: Any) -> dict[str, Any]:
    return {
        "procedure": "passport-issuance",
        "applicant": applicant(),
        "form": {"request_type": "cap_lan_dau"},
        "delivery": {"method": "desk"},
        **changes,
    }


def upload(name: str, content: bytes, content_type: str, requirement: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"files": {"file": (name, content, content_type)}}
    if requirement is not None:
        kwargs["data"] = {"requirement": requirement}
    return kwargs


def signed_request(raw: bytes, clock: FixedClock, secret: str, age: int = 0) -> dict[str, Any]:
    """A JSON body as the client's keyword arguments, signed `age` seconds ago the way the bank and the
    one-stop system sign their calls to us (HMAC over the timestamp and the raw body)."""
    timestamp = str(int(clock.now().timestamp()) - age)
    return {
        "content": raw,
        "headers": {
            "Content-Type": "application/json",
            "X-Motcua-Timestamp": timestamp,
            "X-Motcua-Signature": sign(secret, timestamp, raw),
        },
    }


def read_qr(png: bytes) -> str:
    """Read a QR image as a phone would: with zbar's command-line reader."""
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-"], input=png, capture_output=True, check=True, timeout=30
    )
    return result.stdout.decode().strip()


def first_page_png(pdf: bytes, dpi: int = 150) -> bytes:
    """A PDF's first page as a printer or a screen shows it: rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "paper.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", f"{folder}/paper.pdf", f"{folder}/page"],
            check=True,
            timeout=60,
        )
        return (Path(folder) / "page.png").read_bytes()


def read_qr_codes(png: bytes) -> set[str]:
    """Every QR code zbar finds on an image (a page may carry more than one)."""
    found = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-"], input=png, capture_output=True, check=False, timeout=30
    )
    return {line for line in found.stdout.decode().splitlines() if line}
