"""Examples of the OpenAPI document, by operation id: the request body ("request") and answers by
status code, as contracts.md shows them and as the app answers for one citizen's birth registration
and passport fee. tests/integration/test_openapi.py checks each against its schema and that every
JSON body and JSON success answer has one. Times are what the API sends (UTC), dates are local."""

from __future__ import annotations

from typing import Any

import msgspec

from api.catalog.service import load_catalog_data

_ID = "5f0c2a8e-3b7d-4c1e-9a64-2d8f1b7e9c30"
_PASSPORT_ID = "6d041c06-397c-4701-8c46-d510397b486e"
_PAYMENT_ID = "da1cb3da-ff73-4277-9d67-7559cfb57aea"
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

_CODE = "000.01.14.H29-261123-0007"
_KEY = "7KQ2MX9P"
_AGENCY = {"code": "000.01.14.H29", "name": "UBND phường Bến Thành"}
_POLICE = {"code": "000.00.01.H29", "name": "Công an Thành phố Hồ Chí Minh"}
_BIRTH_FORM = {
    "child_full_name": "Trần Minh Khang",
    "child_sex": "nam",
    "child_date_of_birth": "2026-11-01",
    "place_of_birth": "Bệnh viện Từ Dũ, TP.HCM",
    "child_ethnicity": "Kinh",
}
_SHA256 = "d5e20c175d0649dd3ed2f8fff6322119d5d18c6ad603adce1cdb5025028ae382"


def _document(n: int, requirement: str, file_name: str, size: int) -> dict[str, Any]:
    return {
        "id": f"396f73c9-2e63-48fd-b650-21592494e9a{n}",
        "requirement": requirement,
        "document_id": f"b243d86b-d46f-4d81-b679-176a1d92af1{n}",
        "file_name": file_name,
        "content_type": "application/pdf",
        "size": size,
        "sha256": _SHA256,
        "created_at": "2026-11-23T02:03:00Z",
    }


_DOCUMENTS = [
    _document(1, "declaration-form", "to-khai-khai-sinh.pdf", 184_320),
    _document(2, "birth-certificate", "giay-chung-sinh.pdf", 412_877),
]
_DRAFT: dict[str, Any] = {
    "id": _ID,
    "code": None,
    "status": "draft",
    "status_label": "Đang soạn",
    "procedure": _PROCEDURE,
    "agency": _AGENCY,
    "channel": "online",
    "applicant": {
        "full_name": "Nguyễn Thị Lan",
        "identity_number_masked": "0791******34",
        "date_of_birth": "1990-05-12",
        "phone": "0912345678",
        "email": None,
        "address": {
            "raw": "12 Lê Lợi, phường Bến Thành, TP.HCM",
            "normalized": "12 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh",
            "province": "Thành phố Hồ Chí Minh",
            "ward": "Phường Bến Thành",
        },
    },
    "form": _BIRTH_FORM,
    "delivery": {"method": "desk", "address": None},
    "fee": 0,
    "paid": False,
    "documents": [],
    "originals_seen": [],
    "digitized": False,
    "has_result": False,
    "address_flagged": False,
    "submitted_at": None,
    "received_at": None,
    "appointment_date": None,
    "reception_due_at": None,
    "overdue": None,
    "lookup_key": None,
    "created_at": "2026-11-23T02:00:00Z",
    "updated_at": "2026-11-23T02:00:00Z",
}
_SUBMITTED = {
    **_DRAFT,
    "code": _CODE,
    "status": "submitted",
    "status_label": "Chờ tiếp nhận",
    "documents": _DOCUMENTS,
    "digitized": True,
    "submitted_at": "2026-11-23T02:05:00Z",
    "appointment_date": "2026-11-23",
    "reception_due_at": "2026-11-24T02:05:00Z",
    "lookup_key": _KEY,
    "updated_at": "2026-11-23T02:05:00Z",
}
_RECEIVED = {
    **_SUBMITTED,
    "status": "received",
    "status_label": "Đã tiếp nhận",
    "received_at": "2026-11-23T02:40:00Z",
    "reception_due_at": None,
    "updated_at": "2026-11-23T02:40:00Z",
}
_SUPPLEMENT_REQUESTED = {
    **_RECEIVED,
    "status": "supplement_requested",
    "status_label": "Yêu cầu bổ sung hồ sơ",
    "received_at": None,
    "appointment_date": None,
    "updated_at": "2026-11-23T02:40:00Z",
}
_COUNTER_DRAFT = {
    **_DRAFT,
    "id": "ca69444a-1f8b-4357-a453-a7400bfc7d4b",
    "procedure": {"slug": "certified-copy", "name": "Chứng thực bản sao từ bản chính"},
    "channel": "counter",
    "applicant": {
        **_DRAFT["applicant"],
        "address": {
            "raw": "45 Nguyễn Huệ, phường Sài Gòn, TP.HCM",
            "normalized": "45 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
            "province": "Thành phố Hồ Chí Minh",
            "ward": "Phường Sài Gòn",
        },
    },
    "form": {},
    "fee": 2000,
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
    "dossier_id": _ID,
    "code": _CODE,
    "status": "submitted",
    "procedure": _PROCEDURE,
    "agency": _AGENCY,
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
    "lookup_key": _KEY,
    "tracking_url": f"https://motcua.example.vn/t/{_CODE}?key={_KEY}",
    "qr_png_url": f"/api/v1/dossiers/{_ID}/receipt.png",
}
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
_BIRTH_SUMMARY = {
    "slug": "birth-registration",
    "name": "Đăng ký khai sinh",
    "names": {"vi": "Đăng ký khai sinh", "en": "Birth registration"},
    "agency": {"code": "UBND-XA", "name": "Ủy ban nhân dân cấp xã"},
    "online": "full",
    "fee": 0,
    "processing_days": 0,
}
_FILE_TYPES = ["application/pdf", "image/jpeg", "image/png", "image/heic"]
_ONE_STOP_SOURCE = {
    "title": "Nghị định 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"
    " (Báo Lao Động)",
    "url": "https://news.laodong.vn/thoi-su/pham-vi-tiep-nhan-thu-tuc-hanh-chinh-tai-bo-phan-mot-cua-tu-172025-1528301.ldo",
    "checked_on": "2026-12-06",
}
# a procedure as `motcua catalog export` and the data file hold it (every language), the seed's passport
_PASSPORT_DOCUMENT = msgspec.json.decode(
    msgspec.json.encode(next(p for p in load_catalog_data().procedures if p.slug == "passport-issuance"))
)
_PASSPORT_DETAIL = {
    "slug": "passport-issuance",
    "name": _PASSPORT_DOCUMENT["names"]["vi"],
    "names": _PASSPORT_DOCUMENT["names"],
    "agency": {"code": "CONG-AN-TINH", "name": "Công an tỉnh"},
    "online": _PASSPORT_DOCUMENT["online"],
    "fee": 200000,
    "processing_days": _PASSPORT_DOCUMENT["processing_days"],
    "on": "2026-12-07",
    "national_code": None,
    "version": 3,
    "verified_on": _PASSPORT_DOCUMENT["verified_on"],
    "sources": _PASSPORT_DOCUMENT["sources"],
    "fees": [
        {**line, "case": line["cases"]["vi"]}
        for line in _PASSPORT_DOCUMENT["fees"]
        if line["from"] <= "2026-12-07" and (line["to"] is None or line["to"] >= "2026-12-07")
    ],
    "fee_scope": "national",
    "fee_confirmed": True,
    "unconfirmed": _PASSPORT_DOCUMENT["unconfirmed"]["vi"],
    "fee_note": _PASSPORT_DOCUMENT["fee_note"]["vi"],
    "result": _PASSPORT_DOCUMENT["result"],
    "requirements": [
        {**r, "name": r["names"]["vi"], "note": r["note"]["vi"] if r.get("note") else None}
        for r in _PASSPORT_DOCUMENT["requirements"]
    ],
    "form_fields": [
        {
            "key": f["key"],
            "label": f["labels"]["vi"],
            "type": f["type"],
            "required": f["required"],
            "options": f["options"],
        }
        for f in _PASSPORT_DOCUMENT["form_fields"]
    ],
    "legal_basis": _PASSPORT_DOCUMENT["legal_basis"],
    "guidance": _PASSPORT_DOCUMENT["guidance"]["vi"],
}
_BANK_NOTIFICATION = {
    "transaction_id": "FT26327123456",
    "bank_bin": "970436",
    "account_number": "0011000123456",
    "amount": 200000,
    "content": "CT DEN:123 MC7K2Q9XPA thanh toan ho so",
    "transacted_at": "2026-11-23T10:02:00+07:00",
}

_SUBSCRIPTION_ID = "3b9d6f1e-2c4a-4e8b-9f0d-7a5c1e3b2d4f"


def _cloud_event(n: int, status: str, previous: str | None, action: str, at: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"8c1e4f2a-6b3d-4a9e-b7c5-2d0f9e8a1b3{n}",
        "source": "/motcua/79",
        "type": f"vn.motcua.dossier.{status}",
        "subject": _CODE,
        "time": at,
        "datacontenttype": "application/json",
        "data": {
            "dossier_id": _ID,
            "code": _CODE,
            "status": status,
            "previous_status": previous,
            "action": action,
            "procedure": {"slug": "birth-registration", "national_code": "1.001193"},
            "agency": {"code": _AGENCY["code"]},
            "channel": "online",
            "appointment_date": "2026-11-23" if status == "received" else None,
            "missing": [],
            "reason": None,
            "occurred_at": at,
        },
    }


_SUBMITTED_EVENT = _cloud_event(1, "submitted", "draft", "submit", "2026-11-23T09:05:00+07:00")
_RECEIVED_EVENT = _cloud_event(2, "received", "submitted", "receive", "2026-11-23T09:40:00+07:00")
_FAILED_DELIVERY = {
    "id": "a7e2c9d4-1f3b-4d6a-8e5c-0b9f2a7d4e61",
    "event_id": _RECEIVED_EVENT["id"],
    "type": "vn.motcua.dossier.received",
    "subject": _CODE,
    "dossier_id": _ID,
    "status": "failed",
    "attempts": 14,
    "last_status": 503,
    "last_error": "HTTP 503",
    "created_at": "2026-11-23T02:40:01Z",
    "last_attempt_at": "2026-11-24T02:40:02Z",
    "next_attempt_at": None,
    "delivered_at": None,
}

EXAMPLES: dict[str, dict[str, Any]] = {
    # ---- catalog
    "listProcedures": {"200": {"items": [_BIRTH_SUMMARY], "total": 1}},
    "getProcedure": {
        "200": {
            **_BIRTH_SUMMARY,
            "on": "2026-12-06",
            "national_code": None,
            "version": 2,
            "verified_on": None,
            "sources": [_ONE_STOP_SOURCE],
            "fees": [
                {
                    "amount": 0,
                    "case": "Đăng ký đúng hạn",
                    "cases": {"vi": "Đăng ký đúng hạn", "en": "Registration on time"},
                    "from": "2016-01-01",
                    "to": None,
                    "basis": "Luật Hộ tịch 2014, Điều 11",
                }
            ],
            "fee_scope": "national",
            "fee_confirmed": False,
            "unconfirmed": "Miễn lệ phí khi đăng ký đúng hạn và thời hạn giải quyết chưa đối chiếu được với văn bản gốc"
            " hoặc nguồn tin chính thống; lệ phí đăng ký quá hạn do HĐND cấp tỉnh quyết định.",
            "fee_note": "Miễn lệ phí khi đăng ký đúng hạn (trong 60 ngày kể từ ngày sinh). Đăng ký quá hạn thu lệ phí"
            " theo Nghị quyết HĐND tỉnh.",
            "result": "electronic",
            "requirements": [
                {
                    "key": "declaration-form",
                    "name": "Tờ khai đăng ký khai sinh",
                    "names": {"vi": "Tờ khai đăng ký khai sinh", "en": "Birth registration declaration form"},
                    "mandatory": True,
                    "original": True,
                    "file_types": _FILE_TYPES,
                    "note": "Điền theo mẫu; khi nộp trực tuyến, tờ khai được điền ngay trên cổng dịch vụ công.",
                },
                {
                    "key": "birth-certificate",
                    "name": "Giấy chứng sinh",
                    "names": {"vi": "Giấy chứng sinh", "en": "Birth certificate from the hospital"},
                    "mandatory": True,
                    "original": True,
                    "file_types": _FILE_TYPES,
                    "note": None,
                },
            ],
            "form_fields": [
                {
                    "key": "child_full_name",
                    "label": "Họ, chữ đệm, tên của trẻ",
                    "type": "text",
                    "required": True,
                    "options": [],
                },
                {
                    "key": "child_sex",
                    "label": "Giới tính",
                    "type": "select",
                    "required": True,
                    "options": ["nam", "nu"],
                },
                {
                    "key": "child_date_of_birth",
                    "label": "Ngày, tháng, năm sinh của trẻ",
                    "type": "date",
                    "required": True,
                    "options": [],
                },
            ],
            "legal_basis": ["Luật Hộ tịch 2014", "Nghị định 123/2015/NĐ-CP"],
            "guidance": "Nộp tại UBND cấp xã nơi cư trú của cha hoặc mẹ, hoặc trực tuyến trên Cổng Dịch vụ công quốc"
            " gia / VNeID.",
        }
    },
    "listProcedureVersions": {
        "200": {
            "items": [
                {
                    "version": 3,
                    "changed_at": "2026-12-07T09:12:00+07:00",
                    "changed_by": {"id": "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f", "role": "admin"},
                    "fields": ["fees"],
                },
                {
                    "version": 2,
                    "changed_at": "2026-12-06T08:00:00+07:00",
                    "changed_by": {"id": None, "role": "system"},
                    "fields": ["fees", "legal_basis", "sources", "verified_on", "unconfirmed"],
                },
            ],
            "total": 2,
        }
    },
    "replaceProcedure": {"request": _PASSPORT_DOCUMENT, "200": _PASSPORT_DETAIL},
    "addProcedure": {"request": _PASSPORT_DOCUMENT, "201": {**_PASSPORT_DETAIL, "version": 1}},
    "listAgencies": {
        "200": {
            "items": [
                {
                    "code": "000.01.14.H29",
                    "name": "UBND phường Bến Thành",
                    "names": {"vi": "UBND phường Bến Thành", "en": "Ben Thanh Ward People's Committee"},
                    "kind": "UBND-XA",
                    "level": "commune",
                    "ward": "Phường Bến Thành",
                },
                {
                    "code": "001.01.14.H29",
                    "name": "Công an phường Bến Thành",
                    "names": {"vi": "Công an phường Bến Thành", "en": "Ben Thanh Ward Police"},
                    "kind": "CONG-AN-XA",
                    "level": "commune",
                    "ward": "Phường Bến Thành",
                },
            ],
            "total": 2,
        }
    },
    # ---- accounts
    "requestOtp": {"request": {"phone": "0912345678"}, "202": {"expires_in": 300, "resend_after": 60}},
    "issueToken": {"request": {"phone": "0912345678", "otp": "123456"}, "200": _TOKENS},
    "refreshToken": {"request": {"refresh_token": "r1.9QW…"}, "200": _TOKENS},
    "getMe": {
        "200": {"id": _ID, "phone": "0912345678", "role": "citizen", "agencies": [], "full_name": "Nguyễn Thị Lan"}
    },
    # ---- dossiers
    "createDossier": {
        "request": {
            "procedure": "birth-registration",
            "applicant": _APPLICANT,
            "form": _BIRTH_FORM,
            "delivery": {"method": "desk"},
        },
        "201": _DRAFT,
    },
    "listMyDossiers": {"200": {"items": [_RECEIVED], "total": 1}},
    "getDossier": {"200": _RECEIVED},
    "updateDossier": {
        "request": {"delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}},
        "200": {**_DRAFT, "delivery": {"method": "post", "address": "12 Lê Lợi, phường Bến Thành, TP.HCM"}},
    },
    "addDossierDocument": {
        "request": {"requirement": "birth-certificate", "document_id": _DOCUMENTS[1]["document_id"]},
        "201": _DOCUMENTS[1],
    },
    "listMyDocuments": {
        "200": {
            "items": [
                {key: d[key] for key in ("file_name", "content_type", "size", "sha256", "created_at")}
                | {"id": d["document_id"]}
                for d in _DOCUMENTS
            ],
            "total": 2,
        }
    },
    "submitDossier": {"200": _RECEIPT},
    "getDossierReceipt": {"200": _RECEIPT},
    "withdrawDossier": {"200": {**_DRAFT, "status": "withdrawn", "status_label": "Đã rút hồ sơ"}},
    "getDossierHistory": {"200": {"items": _HISTORY}},
    "rateDossier": {
        "request": {"score": 5, "comment": "Nhanh, đúng hẹn"},
        "201": {"dossier_id": _ID, "score": 5, "comment": "Nhanh, đúng hẹn", "created_at": "2026-11-25T03:10:00Z"},
    },
    "resubmitCounterDossier": {
        "request": {"counter": "Quầy số 3", "note": "Đã nhận bản chụp giấy chứng sinh"},
        "200": {
            **_RECEIVED,
            "id": _COUNTER_DRAFT["id"],
            "procedure": _COUNTER_DRAFT["procedure"],
            "channel": "counter",
            "applicant": _COUNTER_DRAFT["applicant"],
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
            "code": _CODE,
            "procedure": _PROCEDURE,
            "agency": _AGENCY,
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
    # ---- officers
    "listOfficerDossiers": {"200": {"items": [_SUBMITTED], "total": 1}},
    "getOfficerDossier": {"200": _SUBMITTED},
    "getDossierAudit": {
        "200": {
            "items": [
                {
                    "at": "2026-11-23T03:10:00Z",
                    "actor": {"id": "cb-17", "role": "one-stop"},
                    "action": "start_processing",
                    "detail": {"from": "received", "to": "processing", "event_id": "ONESTOP-1"},
                },
                {
                    "at": "2026-11-23T02:45:00Z",
                    "actor": {"id": "8a1f6c2e-5d4b-4e3a-9c7f-0b2d4e6f8a10", "role": "officer"},
                    "action": "view",
                    "detail": {"of": "history"},
                },
                {
                    "at": "2026-11-23T02:40:00Z",
                    "actor": {"id": "8a1f6c2e-5d4b-4e3a-9c7f-0b2d4e6f8a10", "role": "officer"},
                    "action": "receive",
                    "detail": {"from": "submitted", "to": "received"},
                },
                {
                    "at": "2026-11-23T02:36:00Z",
                    "actor": {"id": "8a1f6c2e-5d4b-4e3a-9c7f-0b2d4e6f8a10", "role": "officer"},
                    "action": "view",
                    "detail": None,
                },
            ],
            "total": 4,
        }
    },
    "actOnDossier": {
        "request": {"action": "request_supplement", "note": "Ảnh chụp bị mờ", "missing": ["birth-certificate"]},
        "200": _SUPPLEMENT_REQUESTED,
    },
    "fileCounterDossier": {
        "request": {
            "procedure": "certified-copy",
            "channel": "counter",
            "applicant": {**_APPLICANT, "address": "45 Nguyễn Huệ, phường Sài Gòn, TP.HCM"},
            "form": {},
            "delivery": {"method": "desk"},
        },
        "201": _COUNTER_DRAFT,
    },
    "addCounterDocument": {
        "request": {"requirement": "original-document", "original_seen": True},
        "201": {"requirement": "original-document", "original_seen": True, "created_at": "2026-11-23T02:12:00Z"},
    },
    "attachDossierResult": {
        "201": {**_document(3, "result", "trich-luc-khai-sinh.pdf", 96_512), "created_at": "2026-11-23T07:45:00Z"}
    },
    "listHandoffs": {
        "200": {
            "items": [
                {
                    "id": "0b8e4f7a-6c21-4d3e-8a9f-5e2d7c1b3a90",
                    "session_id": "9f1c2b7e4d3a48e6a0b5c8d2e1f47a36",
                    "channel": "zalo",
                    "status": "open",
                    "message": "Tôi muốn hỏi trực tiếp cán bộ về hồ sơ khai sinh cho con",
                    "phone": "0912345678",
                    "procedure": "birth-registration",
                    "agency": _AGENCY,
                    "created_at": "2026-11-23T03:20:00Z",
                    "closed_at": None,
                }
            ],
            "total": 1,
        }
    },
    "getOnTimeStats": {
        "200": {
            "agency": "000.01.14.H29",
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
    "getIndicators": {
        "200": {
            "from": "2026-01-01",
            "to": "2026-12-31",
            "agency": "000.01.14.H29",
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
    # ---- payments
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
    "receiveVnpayIpn": {"200": {"RspCode": "00", "Message": "Confirm Success"}},
    "receiveOneStopEvent": {
        "request": {
            "event_id": "ONESTOP-1",
            "dossier_code": _CODE,
            "action": "receive",
            "note": "Tiếp nhận tại quầy 3",
            "occurred_at": "2026-11-23T09:40:00+07:00",
            "actor": {"id": "cb-17", "name": "Lê Văn Bình", "agency": "000.01.14.H29"},
        },
        "200": {**_RECEIVED, "documents": _DOCUMENTS},
    },
    # ---- outbound events
    "createSubscription": {
        "request": {"url": "https://motcua.tayninh.gov.vn/hooks/motcua", "types": ["vn.motcua.dossier.*"]},
        "201": {
            "id": _SUBSCRIPTION_ID,
            "url": "https://motcua.tayninh.gov.vn/hooks/motcua",
            "types": ["vn.motcua.dossier.*"],
            "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "created_at": "2026-11-23T01:30:00Z",
        },
    },
    "listSubscriptions": {
        "200": {
            "items": [
                {
                    "id": _SUBSCRIPTION_ID,
                    "url": "https://motcua.tayninh.gov.vn/hooks/motcua",
                    "types": ["vn.motcua.dossier.*"],
                    "created_at": "2026-11-23T01:30:00Z",
                }
            ],
            "total": 1,
        }
    },
    "listDeliveries": {"200": {"items": [_FAILED_DELIVERY], "total": 1}},
    "retryDelivery": {
        "202": {**_FAILED_DELIVERY, "status": "pending", "next_attempt_at": "2026-11-24T03:00:00Z"},
    },
    "listIntegrationEvents": {
        "200": {"items": [_SUBMITTED_EVENT, _RECEIVED_EVENT], "next": "AAAAAAAAAAI"},
    },
    # ---- notifications
    "registerDevice": {
        "request": {"platform": "android", "locale": "vi"},
        "200": {
            "token": "dGhpc2lzYWZha2VmY21kZXZpY2V0b2tlbjpBUEE5MWJI",
            "platform": "android",
            "locale": "vi",
            "updated_at": "2026-11-23T02:00:00Z",
        },
    },
    "listNotifications": {
        "200": {
            "items": [
                {
                    "id": "e1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
                    "type": "dossier.received",
                    "title": "Hồ sơ đã được tiếp nhận",
                    "body": f"Hồ sơ {_CODE} đã được tiếp nhận. Ngày hẹn trả: 23/11/2026",
                    "data": {
                        "dossier_id": _ID,
                        "code": _CODE,
                        "status": "received",
                        "event_id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
                        "type": "dossier.received",
                    },
                    "read_at": None,
                    "created_at": "2026-11-23T02:40:00Z",
                }
            ],
            "total": 1,
            "unread": 1,
        }
    },
    "getNotificationPreferences": {
        "200": {"push_status": True, "push_payment": True, "push_reminder": True, "sms_status": True}
    },
    "updateNotificationPreferences": {
        "request": {"sms_status": False},
        "200": {"push_status": True, "push_payment": True, "push_reminder": True, "sms_status": False},
    },
    # ---- assistant and chat channels
    "askAssistant": {
        "request": {"text": "lam khai sinh can gi", "locale": "vi"},
        "200": {
            "session_id": "9f1c2b7e4d3a48e6a0b5c8d2e1f47a36",
            "intent": "procedure_documents",
            "procedure": _PROCEDURE,
            "reply": "Để đăng ký khai sinh, bạn cần: tờ khai, giấy chứng sinh.",
            "quick_replies": ["Lệ phí", "Nộp ở đâu"],
            "confidence": 0.93,
        },
    },
    "receiveMessengerEvent": {
        "request": {
            "object": "page",
            "entry": [
                {
                    "messaging": [
                        {
                            "sender": {"id": "6241837592317645"},
                            "message": {"mid": "m_AG5Hz2Uq7tpwIiUbV8bFsA", "text": "làm khai sinh cần giấy tờ gì"},
                        }
                    ]
                }
            ],
        },
        "200": {"received": 1},
    },
    "receiveZaloEvent": {
        "request": {
            "event_name": "user_send_text",
            "app_id": "50554360515256678",
            "sender": {"id": "5510185758261927916"},
            "recipient": {"id": "1646843870823903717"},
            "message": {"msg_id": "e2a641af6661713b2874", "text": "lệ phí làm hộ chiếu bao nhiêu"},
            "timestamp": "1795405200000",
        },
        "200": {"received": 1},
    },
    # ---- operations
    "healthLive": {"200": {"status": "ok"}},
    "healthReady": {
        "200": {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}},
        "503": {"status": "unavailable", "checks": {"postgres": "ok", "redis": "down: ConnectionError"}},
    },
}
