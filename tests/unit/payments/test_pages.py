"""The e-receipt check page: the amount and the moment of payment as a person reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from payments.models import EReceipt, Method
from payments.pages import receipt_valid


def _receipt() -> EReceipt:
    return EReceipt(
        number="000.00.01.H29-BL2026-000123",
        amount=200000,
        amount_in_words="Hai trăm nghìn đồng",
        currency="VND",
        payer="Nguyễn Thị Lan",
        procedure="Cấp hộ chiếu phổ thông",
        dossier_code="000.00.01.H29-261123-0012",
        agency="Công an Thành phố Hồ Chí Minh",
        method=Method.VIETQR,
        paid_at=datetime(2026, 11, 23, 17, 2, tzinfo=UTC),  # 00:02 on 24 November in Vietnam
        verify_url="https://motcua.example.vn/r/000.00.01.H29-BL2026-000123?k=Q7XK2M",
        qr_png_url="/api/v1/payments/x/receipt.png",
    )


def test_amount_and_payment_time_in_each_language() -> None:
    vi = receipt_valid(_receipt(), "vi", key="Q7XK2M", hotline="1900 0000")
    en = receipt_valid(_receipt(), "en", key="Q7XK2M", hotline="1900 0000")
    assert "200.000 ₫" in vi and "00:02 24/11/2026" in vi
    assert "200,000 VND" in en and "12:02\u00a0AM, November 24, 2026" in en and "24/11/2026" not in en


def test_a_refunded_receipt_says_when_in_vietnam_time() -> None:
    refunded = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    vi = receipt_valid(_receipt(), "vi", key="k", hotline="1", refunded_at=refunded)
    en = receipt_valid(_receipt(), "en", key="k", hotline="1", refunded_at=refunded)
    assert "08:30 24/11/2026" in vi and "8:30\u00a0AM, November 24, 2026" in en
