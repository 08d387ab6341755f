"""Examples of payments: the passport fee paid by VietQR, its receipt, refund and the day's reconciliation."""

from __future__ import annotations

from typing import Any

_PASSPORT_ID = "6d041c06-397c-4701-8c46-d510397b486e"
_PAYMENT_ID = "da1cb3da-ff73-4277-9d67-7559cfb57aea"
_POLICE = {"code": "000.00.01.H29", "name": "Công an Thành phố Hồ Chí Minh"}
_REFERENCE = "MC7K2Q9XPA"
_PENDING_PAYMENT = {
    "id": _PAYMENT_ID,
    "dossier_id": _PASSPORT_ID,
    "method": "vietqr",
    "status": "pending",
    "amount": 200000,
    "currency": "VND",
    "reference": _REFERENCE,
    "expires_at": "2026-11-23T03:15:00Z",
    "settled_at": None,
    "refunded_at": None,
    "vietqr": {
        "payload": "00020101021238570010A00000072701270006970436011300110001234560208QRIBFTTA"
        "530370454062000005802VN62140810MC7K2Q9XPA6304B468",
        "bank_bin": "970436",
        "bank_name": "Vietcombank",
        "account_number": "0011000123456",
        "account_name": "KHO BAC NHA NUOC TP HO CHI MINH",
        "qr_png_url": f"/api/v1/payments/{_PAYMENT_ID}/qr.png",
        "qr_svg_url": f"/api/v1/payments/{_PAYMENT_ID}/qr.svg",
    },
    "vnpay": None,
}
_SETTLED_PAYMENT = {**_PENDING_PAYMENT, "status": "succeeded", "settled_at": "2026-11-23T03:02:00Z"}
_REFUNDED_PAYMENT = {**_SETTLED_PAYMENT, "status": "refunded", "refunded_at": "2026-11-24T01:30:00Z"}
_BANK_NOTIFICATION = {
    "transaction_id": "FT26327123456",
    "bank_bin": "970436",
    "account_number": "0011000123456",
    "amount": 200000,
    "content": "CT DEN:123 MC7K2Q9XPA thanh toan ho so",
    "transacted_at": "2026-11-23T10:02:00+07:00",
}

PAYMENTS: dict[str, dict[str, Any]] = {
    "openPayment": {"request": {"method": "vietqr"}, "201": _PENDING_PAYMENT, "200": _PENDING_PAYMENT},
    "getPayment": {"200": _SETTLED_PAYMENT},
    "refundPayment": {"request": {"reason": "Nộp trùng hai lần"}, "200": _REFUNDED_PAYMENT},
    "getPaymentReceipt": {
        "200": {
            "number": "000.00.01.H29-BL2026-000123",
            "agency": "Công an Thành phố Hồ Chí Minh",
            "amount": 200000,
            "currency": "VND",
            "amount_in_words": "Hai trăm nghìn đồng",
            "payer": "Nguyễn Thị Lan",
            "procedure": "Cấp hộ chiếu phổ thông",
            "dossier_code": "000.00.01.H29-261123-0012",
            "method": "vietqr",
            "paid_at": "2026-11-23T03:02:00Z",
            "verify_url": "https://motcua.example.vn/r/000.00.01.H29-BL2026-000123?k=shlnoLD0rXik",
            "qr_png_url": f"/api/v1/payments/{_PAYMENT_ID}/receipt.png",
        }
    },
    "listPaymentExceptions": {
        "200": {
            "items": [
                {
                    "id": "7c4d2e1f-9a8b-4c3d-b2e1-0f9e8d7c6b5a",
                    "source": "bank",
                    "source_id": "FT26327123999",
                    "payment_id": _PAYMENT_ID,
                    "dossier_id": _PASSPORT_ID,
                    "agency": _POLICE["code"],
                    "reference": _REFERENCE,
                    "reason": "underpaid",
                    "amount": 150000,
                    "status": "open",
                    "note": None,
                    "resolved_at": None,
                    "created_at": "2026-11-23T03:05:00Z",
                }
            ],
            "total": 1,
        }
    },
    "resolvePaymentException": {"request": {"action": "refund", "note": "Chuyển nhầm số tiền"}},
    "reconcilePayments": {
        "200": {
            "date": "2026-11-23",
            "agency": _POLICE["code"],
            "settled": {"count": 14, "amount": 2_800_000},
            "received": {"count": 15, "amount": 2_950_000},
            "refunded": {"count": 0, "amount": 0},
            "unmatched": [
                {
                    "source": "bank",
                    "source_id": "FT26327123999",
                    "amount": 150000,
                    "result": "exception",
                    "reason": "underpaid",
                    "at": "2026-11-23T03:05:00Z",
                }
            ],
            "open_exceptions": 1,
            "pending_payments": 2,
            "balanced": True,
        }
    },
    "receiveBankNotification": {"request": _BANK_NOTIFICATION, "200": {"result": "settled"}},
}
