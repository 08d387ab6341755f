"""Signatures of outbound webhooks as the Standard Webhooks specification makes them: HMAC-SHA256
with the subscription's secret over "{webhook-id}.{webhook-timestamp}.{raw body}", sent as
`webhook-signature: v1,<base64>`. The secret is handed out as "whsec_" + base64 of its bytes. Pure."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Final

SECRET_PREFIX: Final = "whsec_"
SECRET_BYTES: Final = 32  # the specification asks for 24 to 64


def new_secret() -> bytes:
    return secrets.token_bytes(SECRET_BYTES)


def secret_text(key: bytes) -> str:
    return SECRET_PREFIX + base64.b64encode(key).decode()


def secret_key(text: str) -> bytes:
    """The HMAC key of a "whsec_…" secret (the prefix may be left off); ValueError for anything else."""
    encoded = text.removeprefix(SECRET_PREFIX)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not a webhook secret") from exc


def signature(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(key: bytes, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(key, webhook_id, timestamp, body),
    }


def verify(key: bytes, headers: Mapping[str, str], body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a subscriber checks: a timestamp within `tolerance` seconds of its clock and one of the
    space-separated signatures (several during a secret's rotation) equal to the expected one."""
    webhook_id = headers.get("webhook-id", "")
    raw_timestamp = headers.get("webhook-timestamp", "")
    if not webhook_id or not raw_timestamp.isdigit() or abs(now - int(raw_timestamp)) > tolerance:
        return False
    expected = signature(key, webhook_id, int(raw_timestamp), body)
    offered = headers.get("webhook-signature", "").split()
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)
