"""The e-receipt says the amount in figures and in words, who paid, for what, and carries the QR of
its verification page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from documents.ereceipt import EReceiptPaper, render_ereceipt

RECEIPT = EReceiptPaper(
    number="BL-79-2026-000123",
    office="Công an Thành phố Hồ Chí Minh",
    place="Thành phố Hồ Chí Minh",
    payer="Trần Văn Đức",
    fee_name="Cấp hộ chiếu phổ thông",
    dossier_code="000.00.12.H29-261207-0007",
    amount=200_000,
    amount_in_words="Hai trăm nghìn đồng",
    method="VietQR",
    paid_at=datetime(2026, 12, 7, 3, 0, tzinfo=UTC),
    verify_url="https://motcua.example.vn/r/BL-79-2026-000123?k=abc",
)


def test_the_receipt_says_the_amount_in_figures_and_in_words(read: Callable[[bytes], str]) -> None:
    text = read(render_ereceipt(RECEIPT))
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "BL-79-2026-000123",
        "Người nộp: Trần Văn Đức",
        "200.000 ₫",
        "Hai trăm nghìn đồng",
        "Cấp hộ chiếu phổ thông",
        RECEIPT.dossier_code or "",
        "10:00 07/12/2026",
    ):
        assert expected in text, expected


def test_the_verification_qr_reads_from_the_printed_page(qr_on_first_page: Callable[[bytes], set[str]]) -> None:
    assert qr_on_first_page(render_ereceipt(RECEIPT)) == {RECEIPT.verify_url}


def test_the_english_receipt_reads_english(read: Callable[[bytes], str]) -> None:
    text = read(render_ereceipt(RECEIPT, "en"))
    assert "FEE RECEIPT" in text
    assert "200,000 VND" in text
