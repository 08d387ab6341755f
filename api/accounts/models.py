"""Sign-in shapes and the pure rules of one-time codes and refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

import msgspec

from core.auth import Role


class OtpRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    phone: str


class OtpSent(msgspec.Struct, frozen=True):
    expires_in: int
    resend_after: int


class TokenRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    phone: str
    otp: str


class RefreshRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    refresh_token: str


class TokenPair(msgspec.Struct, frozen=True):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


class Me(msgspec.Struct, frozen=True):
    id: uuid.UUID
    phone: str
    role: Role
    agencies: list[str]
    full_name: str | None


class StaffMember(msgspec.Struct, frozen=True):
    id: uuid.UUID
    phone: str
    role: Role
    full_name: str | None
    agencies: list[str]
    disabled: bool


def new_otp() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def otp_text(code: str, minutes: int = 5) -> str:
    """The sign-in SMS. Unaccented (a brandname template registered with the gateway, sent as
    non-Unicode) and in Vietnamese only: the phone's language is not known before sign-in."""
    return f"Ma xac thuc Mot Cua cua ban la {code}, hieu luc {minutes} phut. Khong chia se ma nay cho bat ky ai."


def otp_digest(secret: str, phone: str, code: str) -> str:
    return hmac.new(secret.encode(), f"otp:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
