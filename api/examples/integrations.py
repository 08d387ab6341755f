"""Examples of the one-stop integration: events the province's system sends in, and the subscriptions,
CloudEvents and deliveries of the events we send out."""

from __future__ import annotations

from typing import Any

from api.examples.shared import AGENCY, DOCUMENTS, DOSSIER_CODE, DOSSIER_ID, RECEIVED

_SUBSCRIPTION_ID = "3b9d6f1e-2c4a-4e8b-9f0d-7a5c1e3b2d4f"


def _cloud_event(n: int, status: str, previous: str | None, action: str, at: str) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": f"8c1e4f2a-6b3d-4a9e-b7c5-2d0f9e8a1b3{n}",
        "source": "/motcua/79",
        "type": f"vn.motcua.dossier.{status}",
        "subject": DOSSIER_CODE,
        "time": at,
        "datacontenttype": "application/json",
        "data": {
            "dossier_id": DOSSIER_ID,
            "code": DOSSIER_CODE,
            "status": status,
            "previous_status": previous,
            "action": action,
            "procedure": {"slug": "birth-registration", "national_code": "1.001193"},
            "agency": {"code": AGENCY["code"]},
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
    "subject": DOSSIER_CODE,
    "dossier_id": DOSSIER_ID,
    "status": "failed",
    "attempts": 14,
    "last_status": 503,
    "last_error": "HTTP 503",
    "created_at": "2026-11-23T02:40:01Z",
    "last_attempt_at": "2026-11-24T02:40:02Z",
    "next_attempt_at": None,
    "delivered_at": None,
}

INTEGRATIONS: dict[str, dict[str, Any]] = {
    "receiveVnpayIpn": {"200": {"RspCode": "00", "Message": "Confirm Success"}},
    "receiveOneStopEvent": {
        "request": {
            "event_id": "ONESTOP-1",
            "dossier_code": DOSSIER_CODE,
            "action": "receive",
            "note": "Tiếp nhận tại quầy 3",
            "occurred_at": "2026-11-23T09:40:00+07:00",
            "actor": {"id": "cb-17", "name": "Lê Văn Bình", "agency": "000.01.14.H29"},
        },
        "200": {**RECEIVED, "documents": DOCUMENTS},
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
}
