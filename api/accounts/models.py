"""Sign-in shapes and the pure rules of one-time codes and refresh tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import date

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


class TicketExchange(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    ticket: str


class IdentityOut(msgspec.Struct, frozen=True, kw_only=True):
    """The identity VNeID vouched for, as `/me` shows it: never the whole number."""

    verified: bool = True
    level: int
    provider: str
    identity_number_masked: str | None


class Me(msgspec.Struct, frozen=True):
    id: uuid.UUID
    phone: str
    role: Role
    agencies: list[str]
    full_name: str | None
    identity: IdentityOut | None = None  # None: an account known by its phone only


class ApplicantPrefill(msgspec.Struct, frozen=True, kw_only=True):
    """What a dossier's applicant block can start from: the verified identity, the number masked (a dossier
    filed by this account takes the number from the identity whatever its body says)."""

    full_name: str | None
    date_of_birth: date | None
    address: str | None
    phone: str
    identity_number_masked: str | None


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
