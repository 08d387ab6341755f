"""The receipt slip is an A4 paper whose Vietnamese text can be read and searched, carrying what the
office received and when the result is due, and the QR of the tracking page."""

from __future__ import annotations

import io
from collections.abc import Callable

import msgspec
import pypdf

from documents.slip import ReceiptSlip, render_slip

A4 = (595.28, 841.89)


def test_the_slip_is_one_a4_page(slip: ReceiptSlip) -> None:
    pages = pypdf.PdfReader(io.BytesIO(render_slip(slip))).pages
    assert len(pages) == 1
    assert tuple(round(float(v), 2) for v in pages[0].mediabox[2:]) == A4


def test_the_slip_says_in_vietnamese_who_filed_what_and_when_the_result_is_due(
    read: Callable[[bytes], str], slip: ReceiptSlip
) -> None:
    text = read(render_slip(slip))
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Ánh Tuyết",
        slip.code,
        "Đăng ký khai sinh",
        "Giấy chứng sinh",
        "Đã đối chiếu bản chính",
        "09:15 07/12/2026",  # received, on Vietnam's clock
        "10/12/2026",  # the appointment
        "8.000 ₫",
        "K7Q2",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ):
        assert expected in text, expected


def test_the_slip_in_english_keeps_the_names_and_translates_the_form(
    read: Callable[[bytes], str], slip: ReceiptSlip
) -> None:
    text = read(render_slip(slip, "en"))
    assert "DOSSIER RECEIPT AND APPOINTMENT SLIP" in text
    assert "Received from: Nguyễn Thị Ánh Tuyết" in text
    assert "Original seen" in text
    assert "8,000 VND" in text


def test_a_slip_without_an_appointment_says_it_will_be_announced(
    read: Callable[[bytes], str], slip: ReceiptSlip
) -> None:
    text = read(render_slip(msgspec.structs.replace(slip, appointment_date=None, fee=None)))
    assert "sẽ được thông báo khi hồ sơ được xử lý" in text
    assert "Không thu phí" in text


def test_a_phone_reads_the_tracking_qr_from_the_printed_page(
    qr_on_first_page: Callable[[bytes], set[str]], slip: ReceiptSlip
) -> None:
    assert qr_on_first_page(render_slip(slip)) == {slip.tracking_url}


def test_the_same_slip_renders_to_the_same_bytes(slip: ReceiptSlip) -> None:
    assert render_slip(slip) == render_slip(slip)
