"""JWT access tokens and the principal they carry. Guards that use them live in api/accounts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import jwt
import msgspec

_ALGORITHM = "HS256"
_ISSUER = "motcua"


class Role(StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"
    ADMIN = "admin"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    user_id: uuid.UUID
    role: Role
    phone: str
    agencies: tuple[str, ...] = ()
    # 0: an account known by its phone only; 1 or 2: the level of the identity VNeID vouched for
    identity_level: int = 0

    def filing_level(self, *, at_counter: bool) -> int:
        """The verified level a dossier this caller files counts with: a citizen's own filing online; 0 at
        the counter or for staff (the officer sees the papers, not the applicant's account)."""
        return 0 if at_counter or self.role is not Role.CITIZEN else self.identity_level

    def serves(self, agency_code: str) -> bool:
        return self.role is Role.ADMIN or agency_code in self.agencies


class InvalidToken(Exception):
    pass


def issue_access_token(principal: Principal, *, secret: str, now: datetime, ttl: int) -> str:
    claims = {
        "iss": _ISSUER,
        "sub": str(principal.user_id),
        "role": principal.role.value,
        "phone": principal.phone,
        "agencies": list(principal.agencies),
        "idl": principal.identity_level,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


# Tokens whose signature was checked, per worker. A client sends the same token with every request until
# it is refreshed, and PyJWT's check (the key read again as a possible JWK, the signature, the claims' JSON)
# was a twelfth of a dossier creation's CPU. What PyJWT checks is a function of the token and the secret
# alone (the expiry is ours, against our clock, on every request below), so a token it accepted once it
# accepts again; one it refused is asked again each time.
SIGNED_CACHE_SIZE = 2048


@lru_cache(maxsize=SIGNED_CACHE_SIZE)
def _signed_claims(token: str, secret: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        secret,
        algorithms=[_ALGORITHM],
        issuer=_ISSUER,
        options={"require": ["exp", "sub", "iat"], "verify_exp": False, "verify_iat": False},
    )
    return claims


def verify_access_token(token: str, *, secret: str, now: datetime) -> Principal:
    try:
        claims = _signed_claims(token, secret)  # shared with later requests: only read
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    # exp is checked against our clock, not the wall clock, so tests can move time
    if claims.get("typ") != "access" or int(claims["exp"]) <= int(now.timestamp()):
        raise InvalidToken("expired or not an access token")
    try:
        return Principal(
            user_id=uuid.UUID(claims["sub"]),
            role=Role(claims["role"]),
            phone=str(claims.get("phone", "")),
            agencies=tuple(str(a) for a in claims.get("agencies", [])),
            identity_level=int(claims.get("idl", 0)),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc
