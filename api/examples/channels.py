"""Examples of what reaches the citizen: devices and the inbox, the assistant and its chat channels,
and the health checks operators poll."""

from __future__ import annotations

from typing import Any

from api.examples.shared import DOSSIER_CODE, DOSSIER_ID, PROCEDURE

NOTIFICATIONS: dict[str, dict[str, Any]] = {
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
                    "body": f"Hồ sơ {DOSSIER_CODE} đã được tiếp nhận. Ngày hẹn trả: 23/11/2026",
                    "data": {
                        "dossier_id": DOSSIER_ID,
                        "code": DOSSIER_CODE,
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
}

ASSISTANT: dict[str, dict[str, Any]] = {
    "askAssistant": {
        "request": {"text": "lam khai sinh can gi", "locale": "vi"},
        "200": {
            "session_id": "9f1c2b7e4d3a48e6a0b5c8d2e1f47a36",
            "intent": "procedure_documents",
            "procedure": PROCEDURE,
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
}

OPERATIONS: dict[str, dict[str, Any]] = {
    "healthLive": {"200": {"status": "ok"}},
    "healthReady": {
        "200": {"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}},
        "503": {"status": "unavailable", "checks": {"postgres": "ok", "redis": "down: ConnectionError"}},
    },
}
