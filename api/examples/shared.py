"""What the examples of every area share: one citizen's birth registration at its first states,
its documents, and a counter dossier an officer files for a walk-in citizen."""

from __future__ import annotations

from typing import Any

DOSSIER_ID = "5f0c2a8e-3b7d-4c1e-9a64-2d8f1b7e9c30"
APPLICANT = {
    "full_name": "Nguyễn Thị Lan",
    "identity_number": "079190001234",
    "date_of_birth": "1990-05-12",
    "phone": "0912345678",
    "address": "12 Lê Lợi, phường Bến Thành, TP.HCM",
}
PROCEDURE = {"slug": "birth-registration", "name": "Đăng ký khai sinh"}
DOSSIER_CODE = "000.01.14.H29-261123-0007"
LOOKUP_KEY = "7KQ2MX9P"
AGENCY = {"code": "000.01.14.H29", "name": "UBND phường Bến Thành"}
BIRTH_FORM = {
    "child_full_name": "Trần Minh Khang",
    "child_sex": "nam",
    "child_date_of_birth": "2026-11-01",
    "place_of_birth": "Bệnh viện Từ Dũ, TP.HCM",
    "child_ethnicity": "Kinh",
}
_SHA256 = "d5e20c175d0649dd3ed2f8fff6322119d5d18c6ad603adce1cdb5025028ae382"


def document(n: int, requirement: str, file_name: str, size: int) -> dict[str, Any]:
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


DOCUMENTS = [
    document(1, "declaration-form", "to-khai-khai-sinh.pdf", 184_320),
    document(2, "birth-certificate", "giay-chung-sinh.pdf", 412_877),
]
DRAFT: dict[str, Any] = {
    "id": DOSSIER_ID,
    "code": None,
    "status": "draft",
    "status_label": "Đang soạn",
    "procedure": PROCEDURE,
    "agency": AGENCY,
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
    "form": BIRTH_FORM,
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
SUBMITTED = {
    **DRAFT,
    "code": DOSSIER_CODE,
    "status": "submitted",
    "status_label": "Chờ tiếp nhận",
    "documents": DOCUMENTS,
    "digitized": True,
    "submitted_at": "2026-11-23T02:05:00Z",
    "appointment_date": "2026-11-23",
    "reception_due_at": "2026-11-24T02:05:00Z",
    "lookup_key": LOOKUP_KEY,
    "updated_at": "2026-11-23T02:05:00Z",
}
RECEIVED = {
    **SUBMITTED,
    "status": "received",
    "status_label": "Đã tiếp nhận",
    "received_at": "2026-11-23T02:40:00Z",
    "reception_due_at": None,
    "updated_at": "2026-11-23T02:40:00Z",
}
COUNTER_DRAFT = {
    **DRAFT,
    "id": "ca69444a-1f8b-4357-a453-a7400bfc7d4b",
    "procedure": {"slug": "certified-copy", "name": "Chứng thực bản sao từ bản chính"},
    "channel": "counter",
    "applicant": {
        **DRAFT["applicant"],
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
