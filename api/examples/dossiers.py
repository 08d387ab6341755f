"""Examples of the citizen's side: signing in, then filing, following and rating a dossier."""

from __future__ import annotations

from typing import Any

from api.examples.shared import (
    AGENCY,
    APPLICANT,
    BIRTH_FORM,
    COUNTER_DRAFT,
    DOCUMENTS,
    DOSSIER_CODE,
    DOSSIER_ID,
    DRAFT,
    LOOKUP_KEY,
    PROCEDURE,
    RECEIVED,
)

_TOKENS = {
    "access_token": "eyJhbGciOiJIUzI1NiJ9…",
    "refresh_token": "r1.9QW…",
    "token_type": "Bearer",
    "expires_in": 900,
}
_HISTORY = [
    {
        "from_status": None,
        "to_status": "draft",
        "action": "create",
        "actor_role": "citizen",
        "actor_name": None,
        "note": None,
        "data": {},
        "at": "2026-11-23T02:00:00Z",
    },
    {
        "from_status": "draft",
        "to_status": "submitted",
        "action": "submit",
        "actor_role": "citizen",
        "actor_name": None,
        "note": None,
        "data": {},
        "at": "2026-11-23T02:05:00Z",
    },
    {
        "from_status": "submitted",
        "to_status": "received",
        "action": "receive",
        "actor_role": "officer",
        "actor_name": "Lê Văn Tâm",
        "note": None,
        "data": {"office": "000.01.14.H29", "channel": "online"},
        "at": "2026-11-23T02:40:00Z",
    },
]
_RECEIPT = {
    "dossier_id": DOSSIER_ID,
    "code": DOSSIER_CODE,
    "status": "submitted",
    "procedure": PROCEDURE,
    "agency": AGENCY,
    "applicant_name": "Nguyễn Thị Lan",
    "documents": [
        {"requirement": "declaration-form", "name": "Tờ khai đăng ký khai sinh", "file_name": "to-khai-khai-sinh.pdf"},
        {"requirement": "birth-certificate", "name": "Giấy chứng sinh", "file_name": "giay-chung-sinh.pdf"},
    ],
    "submitted_at": "2026-11-23T02:05:00Z",
    "appointment_date": "2026-11-23",
    "processing_days": 0,
    "fee": 0,
    "delivery": {"method": "desk", "address": None},
    "lookup_key": LOOKUP_KEY,
    "tracking_url": f"https://motcua.example.vn/t/{DOSSIER_CODE}?key={LOOKUP_KEY}",
    "qr_png_url": f"/api/v1/dossiers/{DOSSIER_ID}/receipt.png",
}

ACCOUNTS: dict[str, dict[str, Any]] = {
    "requestOtp": {"request": {"phone": "0912345678"}, "202": {"expires_in": 300, "resend_after": 60}},
    "issueToken": {"request": {"phone": "0912345678", "otp": "123456"}, "200": _TOKENS},
    "refreshToken": {"request": {"refresh_token": "r1.9QW…"}, "200": _TOKENS},
    "getMe": {
        "200": {
            "id": DOSSIER_ID,
            "phone": "0912345678",
            "role": "citizen",
            "agencies": [],
            "full_name": "Nguyễn Thị Lan",
            "identity": {
                "verified": True,
                "level": 2,
                "provider": "vneid",
                "identity_number_masked": "0791******34",
            },
        }
    },
    "exchangeVneidTicket": {"request": {"ticket": "q8Zk…"}, "200": _TOKENS},
    "getMyApplicant": {
        "200": {
            "full_name": "Nguyễn Thị Lan",
            "date_of_birth": "1990-05-12",
            "address": "12 Lê Lợi, phường Bến Thành, TP.HCM",
            "phone": "0912345678",
            "identity_number_masked": "0791******34",
        }
    },
}

DOSSIERS: dict[str, dict[str, Any]] = {
    "createDossier": {
        "request": {
            "procedure": "birth-registration",
            "applicant": APPLICANT,
            "form": BIRTH_FORM,
            "delivery": {"method": "desk"},
        },
        "201": DRAFT,
    },
    "listMyDossiers": {"200": {"items": [RECEIVED], "total": 1}},
    "getDossier": {"200": RECEIVED},
    "updateDossier": {
        "request": {"delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}},
        "200": {**DRAFT, "delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}},
    },
    "addDossierDocument": {
        "request": {"requirement": "birth-certificate", "document_id": DOCUMENTS[1]["document_id"]},
        "201": DOCUMENTS[1],
    },
    "listMyDocuments": {
        "200": {
            "items": [
                {key: d[key] for key in ("file_name", "content_type", "size", "sha256", "created_at")}
                | {"id": d["document_id"]}
                for d in DOCUMENTS
            ],
            "total": 2,
        }
    },
    "submitDossier": {"200": _RECEIPT},
    "getDossierReceipt": {"200": _RECEIPT},
    "withdrawDossier": {"200": {**DRAFT, "status": "withdrawn", "status_label": "Đã rút hồ sơ"}},
    "getDossierHistory": {"200": {"items": _HISTORY}},
    "rateDossier": {
        "request": {"score": 5, "comment": "Nhanh, đúng hẹn"},
        "201": {
            "dossier_id": DOSSIER_ID,
            "score": 5,
            "comment": "Nhanh, đúng hẹn",
            "created_at": "2026-11-25T03:10:00Z",
        },
    },
    "resubmitCounterDossier": {
        "request": {"counter": "Quầy số 3", "note": "Đã nhận bản chụp giấy chứng sinh"},
        "200": {
            **RECEIVED,
            "id": COUNTER_DRAFT["id"],
            "procedure": COUNTER_DRAFT["procedure"],
            "channel": "counter",
            "applicant": COUNTER_DRAFT["applicant"],
            "form": {},
            "fee": 2000,
            "paid": True,
            "status": "processing",
            "status_label": "Đang giải quyết",
            "submitted_at": "2026-11-25T03:10:00Z",
            "received_at": "2026-11-25T03:10:00Z",
            "appointment_date": "2026-11-26",
            "updated_at": "2026-11-25T03:10:00Z",
        },
    },
    "trackDossier": {
        "200": {
            "code": DOSSIER_CODE,
            "procedure": PROCEDURE,
            "agency": AGENCY,
            "status": "received",
            "status_label": "Đã tiếp nhận",
            "appointment_date": "2026-11-23",
            "applicant_name": "N*** T** Lan",
            "history": [
                {"status": "submitted", "status_label": "Chờ tiếp nhận", "at": "2026-11-23T02:05:00Z"},
                {"status": "received", "status_label": "Đã tiếp nhận", "at": "2026-11-23T02:40:00Z"},
            ],
        }
    },
    "verifyResultByCode": {
        "200": {
            "code": DOSSIER_CODE,
            "procedure": PROCEDURE,
            "status": "result_ready",
            "signed_by": "UBND phường Bến Thành",
            "signed_at": "2026-11-25T08:30:00Z",
            "sha256": "5f1c0e9a7b2d4c3e8f6a1b0d9c7e5f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e",
        }
    },
    "verifyResultFile": {
        "200": {
            "valid": True,
            "reason": None,
            "signed_by": "UBND phường Bến Thành",
            "signed_at": "2026-11-25T08:30:00Z",
            "dossier_code": DOSSIER_CODE,
            "issued_here": True,
        }
    },
}
