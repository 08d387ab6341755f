"""Examples of the officer's side: the dossiers of an agency, acting on them, counter filing,
hand-offs from the assistant and the agency's figures."""

from __future__ import annotations

from typing import Any

from api.examples.shared import AGENCY, APPLICANT, COUNTER_DRAFT, RECEIVED, SUBMITTED, document

_SUPPLEMENT_REQUESTED = {
    **RECEIVED,
    "status": "supplement_requested",
    "status_label": "Yêu cầu bổ sung hồ sơ",
    "received_at": None,
    "appointment_date": None,
    "updated_at": "2026-11-23T02:40:00Z",
}

OFFICERS: dict[str, dict[str, Any]] = {
    "listOfficerDossiers": {"200": {"items": [SUBMITTED], "total": 1}},
    "getOfficerDossier": {"200": SUBMITTED},
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
            "applicant": {**APPLICANT, "address": "45 Nguyễn Huệ, phường Sài Gòn, TP.HCM"},
            "form": {},
            "delivery": {"method": "desk"},
        },
        "201": COUNTER_DRAFT,
    },
    "addCounterDocument": {
        "request": {"requirement": "original-document", "original_seen": True},
        "201": {"requirement": "original-document", "original_seen": True, "created_at": "2026-11-23T02:12:00Z"},
    },
    "attachDossierResult": {
        "201": {**document(3, "result", "trich-luc-khai-sinh.pdf", 96_512), "created_at": "2026-11-23T07:45:00Z"}
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
                    "agency": AGENCY,
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
}
