"""How Messenger and Zalo OA sign their webhook events, and Messenger's subscription handshake
(vn-integrations.md §3.2, §4.1-4.2). Pure: raw bytes and header values in, a yes or no out."""

from __future__ import annotations

import hashlib
import hmac

import msgspec


def messenger_signature(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta sends: HMAC-SHA256 of the raw body keyed by the App Secret."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def messenger_signature_ok(body: bytes, header: str | None, app_secret: str) -> bool:
    if not app_secret or not header:
        return False
    scheme, _, digest = header.strip().partition("=")
    if scheme.lower() != "sha256" or not digest:
        return False
    return hmac.compare_digest(messenger_signature(body, app_secret)[7:], digest.lower())


def messenger_challenge(mode: str | None, token: str | None, challenge: str | None, verify_token: str) -> str | None:
    """The challenge to echo when Meta subscribes the webhook with our verify token, else None."""
    if not verify_token or mode != "subscribe" or token is None or challenge is None:
        return None
    return challenge if hmac.compare_digest(token.encode(), verify_token.encode()) else None


class _Signed(msgspec.Struct):
    """The body fields Zalo's MAC covers besides the body itself."""

    app_id: str | int = ""
    timestamp: str | int = ""


def zalo_signature(body: bytes, app_id: str, timestamp: str, oa_secret: str) -> str:
    """Plain SHA-256 (not an HMAC) of app id + raw body + timestamp + OA secret key, lowercase hex."""
    return hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode()).hexdigest()


def zalo_signature_ok(body: bytes, header: str | None, *, app_id: str, oa_secret: str) -> bool:
    """`X-ZEvent-Signature` (optionally `mac=<hex>`) over the raw body, with the app id and timestamp
    the body carries; an event for another app is refused whatever its MAC."""
    if not app_id or not oa_secret or not header:
        return False
    try:
        signed = msgspec.json.decode(body, type=_Signed)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return False
    if str(signed.app_id) != app_id or signed.timestamp == "":
        return False
    digest = header.strip()
    if digest[:4].lower() == "mac=":
        digest = digest[4:]
    expected = zalo_signature(body, app_id, str(signed.timestamp), oa_secret)
    return hmac.compare_digest(expected, digest.strip().lower())
