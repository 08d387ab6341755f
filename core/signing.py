"""Webhooks signed as `sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>` with a
timestamp window, as the province's one-stop system and the collecting bank sign them."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import TypeVar

import msgspec

from core.bounds import MAX_DAY, MIN_DAY, dates_out_of_range
from core.errors import DomainError, UnauthorizedError, ValidationError

T = TypeVar("T")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, *, timestamp: str | None, signature: str | None, body: bytes, now: float, tolerance: int
) -> bool:
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip())


def decode_signed(
    body: bytes,
    headers: Mapping[str, str],
    *,
    secret: str,
    now: float,
    tolerance: int,
    type: type[T],
) -> T:
    """Check the X-Motcua-Timestamp/X-Motcua-Signature pair, then decode the JSON body; bad signatures
    are 401 and nothing is read, bad bodies 400/422."""
    if not verify(
        secret,
        timestamp=headers.get("x-motcua-timestamp"),
        signature=headers.get("x-motcua-signature"),
        body=body,
        now=now,
        tolerance=tolerance,
    ):
        raise UnauthorizedError("bad-signature")
    try:
        decoded = msgspec.json.decode(body, type=type)
    except msgspec.ValidationError as exc:
        raise ValidationError([("body", "invalid", {"reason": str(exc)})]) from exc
    except msgspec.DecodeError as exc:
        raise DomainError("malformed-request", status=400, reason=str(exc)) from exc
    if out_of_range := dates_out_of_range(decoded):
        bounds = {"min": MIN_DAY.isoformat(), "max": MAX_DAY.isoformat()}
        raise ValidationError([(field, "date-out-of-range", bounds) for field in out_of_range])
    return decoded
