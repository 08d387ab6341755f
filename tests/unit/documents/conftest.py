"""Reading papers as people and outside checks do: pypdf for the text, poppler's pdftoppm to render a
page, zbar's reader for the QR codes on it."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime

import pypdf
import pytest

from documents.devcerts import DevelopmentKeys, development_keys
from documents.slip import PaperReceived, ReceiptSlip
from tests.integration.helpers import first_page_png, read_qr_codes

NOW = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="session")
def office_keys() -> DevelopmentKeys:
    return development_keys("UBND phường Bến Thành", NOW, b"office-pass")


@pytest.fixture(scope="session")
def read() -> Callable[[bytes], str]:
    return text_of


@pytest.fixture(scope="session")
def qr_on_first_page() -> Callable[[bytes], set[str]]:
    return lambda pdf: read_qr_codes(first_page_png(pdf))


SLIP = ReceiptSlip(
    office="UBND phường Bến Thành",
    place="Phường Bến Thành",
    code="000.00.12.H29-261207-0042",
    applicant_name="Nguyễn Thị Ánh Tuyết",
    applicant_address="12 Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh",
    applicant_phone="0901234567",
    procedure="Đăng ký khai sinh",
    papers=(
        PaperReceived(name="Tờ khai đăng ký khai sinh", form="Bản chính"),
        PaperReceived(name="Giấy chứng sinh", form="Bản sao", original_seen=True),
    ),
    processing_days=3,
    received_at=datetime(2026, 12, 7, 2, 15, tzinfo=UTC),
    appointment_date=date(2026, 12, 10),
    delivery="desk",
    fee=8000,
    lookup_key="K7Q2",
    tracking_url="https://motcua.example.vn/t/000.00.12.H29-261207-0042",
)


@pytest.fixture(scope="session")
def slip() -> ReceiptSlip:
    return SLIP
