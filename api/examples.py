"""Examples of the OpenAPI document, by operation id: the request body ("request") and answers by
status code, as contracts.md shows them. tests/integration/test_openapi.py checks each against its
schema. No null values: Litestar drops them from the document."""

from __future__ import annotations

from typing import Any

_ID = "5f0c2a8e-3b7d-4c1e-9a64-2d8f1b7e9c30"
_APPLICANT = {
    "full_name": "Nguyễn Thị Lan",
    "identity_number": "079190001234",
    "date_of_birth": "1990-05-12",
    "phone": "0912345678",
    "address": "12 Lê Lợi, phường Bến Thành, TP.HCM",
}
_PROCEDURE = {"slug": "birth-registration", "name": "Đăng ký khai sinh"}
_TOKENS = {
    "access_token": "eyJhbGciOiJIUzI1NiJ9…",
    "refresh_token": "r1.9QW…",
    "token_type": "Bearer",
    "expires_in": 900,
}

_CODE = "000.00.12.H04-261123-0007"
_AGENCY = {"code": "000.00.12.H04", "name": "UBND phường Bến Thành"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "requestOtp": {"request": {"phone": "0912345678"}, "202": {"expires_in": 300, "resend_after": 60}},
    "issueToken": {"request": {"phone": "0912345678", "otp": "123456"}, "200": _TOKENS},
    "refreshToken": {"request": {"refresh_token": "r1.9QW…"}, "200": _TOKENS},
    "createDossier": {
        "request": {
            "procedure": "birth-registration",
            "applicant": _APPLICANT,
            "form": {
                "child_full_name": "Trần Minh Khang",
                "child_sex": "nam",
                "child_date_of_birth": "2026-11-01",
                "place_of_birth": "Bệnh viện Từ Dũ",
                "child_ethnicity": "Kinh",
            },
            "delivery": {"method": "desk"},
        }
    },
    "updateDossier": {"request": {"delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}}},
    "actOnDossier": {
        "request": {"action": "request_supplement", "note": "Ảnh chụp bị mờ", "missing": ["birth-certificate"]}
    },
    "submitDossier": {
        "200": {
            "dossier_id": _ID,
            "code": _CODE,
            "status": "submitted",
            "procedure": _PROCEDURE,
            "agency": _AGENCY,
            "applicant_name": "Nguyễn Thị Lan",
            "documents": [
                {"requirement": "birth-certificate", "name": "Giấy chứng sinh", "file_name": "giay-chung-sinh.pdf"}
            ],
            "submitted_at": "2026-11-23T09:05:00+07:00",
            "appointment_date": "2026-11-23",
            "processing_days": 0,
            "fee": 0,
            "delivery": {"method": "desk"},
            "lookup_key": "7KQ2MX9P",
            "tracking_url": f"https://motcua.example.vn/t/{_CODE}?key=7KQ2MX9P",
            "qr_png_url": f"/api/v1/dossiers/{_ID}/receipt.png",
        }
    },
    "fileCounterDossier": {
        "request": {
            "procedure": "certified-copy",
            "channel": "counter",
            "applicant": {**_APPLICANT, "address": "45 Nguyễn Huệ, phường Sài Gòn, TP.HCM"},
            "form": {},
            "delivery": {"method": "desk"},
        }
    },
    "resubmitCounterDossier": {"request": {"counter": "Quầy số 3", "note": "Đã nhận bản chụp giấy chứng sinh"}},
    "trackDossier": {
        "200": {
            "code": _CODE,
            "procedure": _PROCEDURE,
            "agency": _AGENCY,
            "status": "received",
            "status_label": "Đã tiếp nhận",
            "appointment_date": "2026-11-23",
            "applicant_name": "N*** T** Lan",
            "history": [
                {"status": "submitted", "status_label": "Đã nộp", "at": "2026-11-23T09:05:00+07:00"},
                {"status": "received", "status_label": "Đã tiếp nhận", "at": "2026-11-23T09:40:00+07:00"},
            ],
        }
    },
    "getIndicators": {
        "200": {
            "from": "2026-01-01",
            "to": "2026-12-31",
            "agency": "000.00.12.H04",
            "level": "commune",
            "received": 1200,
            "resolved": 1100,
            "on_time_rate": 0.97,
            "online_share": 0.57,
            "digitized_share": 0.82,
            "electronic_result_share": 0.45,
            "reception_on_time_rate": 0.99,
            "satisfaction": 4.6,
            "ratings": 310,
            "overdue_now": 3,
        }
    },
    "getPaymentReceipt": {
        "200": {
            "number": "BL-000.00.12.H04-2026-000123",
            "agency": "UBND phường Bến Thành",
            "amount": 200000,
            "currency": "VND",
            "amount_in_words": "Hai trăm nghìn đồng",
            "payer": "Nguyễn Thị Lan",
            "procedure": "Cấp hộ chiếu phổ thông",
            "dossier_code": _CODE,
            "method": "vietqr",
            "paid_at": "2026-11-23T10:02:00+07:00",
            "verify_url": "https://motcua.example.vn/r/BL-000.00.12.H04-2026-000123?k=Q7XK2M",
            "qr_png_url": f"/api/v1/payments/{_ID}/receipt.png",
        }
    },
    "rateDossier": {"request": {"score": 5, "comment": "Nhanh, đúng hẹn"}},
    "openPayment": {"request": {"method": "vietqr"}},
    "refundPayment": {"request": {"reason": "Nộp trùng hai lần"}},
    "resolvePaymentException": {"request": {"action": "refund", "note": "Chuyển nhầm số tiền"}},
    "registerDevice": {"request": {"platform": "android", "locale": "vi"}},
    "updateNotificationPreferences": {"request": {"push_reminder": False}},
    "askAssistant": {
        "request": {"text": "lam khai sinh can gi", "locale": "vi"},
        "200": {
            "session_id": "s-7f3a",
            "intent": "procedure_documents",
            "procedure": _PROCEDURE,
            "reply": "Để đăng ký khai sinh, bạn cần: tờ khai, giấy chứng sinh.",
            "quick_replies": ["Lệ phí", "Nộp ở đâu"],
            "confidence": 0.93,
        },
    },
    "receiveBankNotification": {
        "request": {
            "transaction_id": "FT26327123456",
            "bank_bin": "970436",
            "account_number": "0011000123456",
            "amount": 200000,
            "content": "CT DEN:123 MC7K2Q9XPA thanh toan ho so",
            "transacted_at": "2026-11-23T09:15:00+07:00",
        },
        "200": {"result": "settled"},
    },
    "receiveOneStopEvent": {
        "request": {
            "event_id": "ONESTOP-1",
            "dossier_code": "000.00.12.H04-261123-0007",
            "action": "receive",
            "note": "Tiếp nhận tại quầy 3",
            "occurred_at": "2026-11-23T09:30:00+07:00",
            "actor": {"id": "cb-17", "name": "Lê Văn Bình", "agency": "000.00.12.H04"},
        }
    },
    "receiveVnpayIpn": {"200": {"RspCode": "00", "Message": "Confirm Success"}},
    "getMe": {
        "200": {"id": _ID, "phone": "0912345678", "role": "citizen", "agencies": [], "full_name": "Nguyễn Thị Lan"}
    },
    "getOnTimeStats": {
        "200": {
            "agency": "000.00.12.H04",
            "from": "2026-01-01",
            "to": "2026-12-31",
            "received": 120,
            "resolved": 110,
            "early": 80,
            "on_time": 25,
            "late": 5,
            "on_time_rate": 0.9545,
            "pending_overdue": 2,
        }
    },
    "healthLive": {"200": {"status": "ok"}},
    "healthReady": {
        "200": {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}},
        "503": {"status": "unavailable", "checks": {"postgres": "ok", "redis": "down: ConnectionError"}},
    },
}
