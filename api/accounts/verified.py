"""Accounts that VNeID vouches for. A verified identity finds its account by identity number, else by
the provider's subject, else by phone (a phone account gains the identity), else a new account is made;
walk-in dossiers filed with the account's phone become its own, as at a code sign-in. The number and
the profile are sealed at rest; only the masked number leaves without a reason to."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import asyncpg
import msgspec
from redis.asyncio import Redis

from api.accounts import queries
from api.accounts.models import ApplicantPrefill
from api.accounts.oidc import Identity, issue_ticket
from api.accounts.phones import normalize_phone
from api.dossiers.identity import mask_identity
from api.dossiers.owners import claim_counter_dossiers
from core.db import acquire
from core.errors import NotFoundError, UnauthorizedError
from core.sealing import DataKeys

PROVIDER = "vneid"


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    full_name: str | None = None
    date_of_birth: str | None = None
    address: str | None = None

    def born(self) -> date | None:
        try:
            return date.fromisoformat(self.date_of_birth) if self.date_of_birth else None
        except ValueError:  # the provider's claim is text; an unreadable one is as if not given
            return None


class VerifiedIdentity(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    level: int
    identity_number: str | None
    identity_number_masked: str | None
    profile: Profile
    phone: str


def _identity_context(user_id: uuid.UUID) -> str:
    return f"users/{user_id}/verified.identity_number"


def _profile_context(user_id: uuid.UUID) -> str:
    return f"users/{user_id}/verified.profile"


def _phone_of(identity: Identity) -> str | None:
    try:
        return normalize_phone(identity.phone_number) if identity.phone_number else None
    except ValueError:
        return None  # a landline or a foreign number cannot receive our codes: as if none were given


async def _account_for(
    conn: asyncpg.Connection, keys: DataKeys, identity: Identity, phone: str | None, now: datetime
) -> uuid.UUID:
    found: uuid.UUID | None = None
    if identity.identity_number:
        found = await conn.fetchval(queries.USER_BY_IDENTITY_HASH, keys.lookup_hash(identity.identity_number))
    if found is None:
        found = await conn.fetchval(queries.USER_BY_SUBJECT, PROVIDER, identity.subject)
    if found is None and phone is not None:
        row = await conn.fetchrow(queries.GET_USER_BY_PHONE, phone)
        found = None if row is None else row["id"]
    if found is not None:
        return found
    if phone is None:
        # every account signs in by phone too and is reached by SMS: VNeID accounts carry a phone
        raise UnauthorizedError("oidc-no-phone")
    row = await conn.fetchrow(queries.UPSERT_USER, uuid.uuid4(), phone, "citizen", now)
    assert row is not None
    created: uuid.UUID = row["id"]
    return created


async def link_identity(conn: asyncpg.Connection, *, keys: DataKeys, identity: Identity, now: datetime) -> uuid.UUID:
    """The account `identity` signs in to, its verified identity recorded; inside the caller's transaction."""
    phone = _phone_of(identity)
    user_id = await _account_for(conn, keys, identity, phone, now)
    number = identity.identity_number
    profile = msgspec.json.encode(
        Profile(full_name=identity.name, date_of_birth=identity.birthdate, address=identity.address)
    ).decode()
    await conn.execute(
        queries.UPSERT_VERIFIED_IDENTITY,
        user_id,
        PROVIDER,
        identity.subject,
        identity.level,
        keys.lookup_hash(number) if number else None,
        keys.seal(number, _identity_context(user_id)) if number else None,
        mask_identity(number) if number else None,
        keys.seal(profile, _profile_context(user_id)),
        now,
    )
    account_phone: str = await conn.fetchval(queries.USER_PHONE_NAMED, user_id, identity.name)
    await claim_counter_dossiers(conn, user_id=user_id, phone=account_phone)
    return user_id


async def verified_identity(conn: asyncpg.Connection, keys: DataKeys, user_id: uuid.UUID) -> VerifiedIdentity | None:
    row = await conn.fetchrow(queries.VERIFIED_IDENTITY, user_id)
    if row is None:
        return None
    sealed_number: str | None = row["identity_sealed"]
    profile = msgspec.json.decode(keys.open(row["profile_sealed"], _profile_context(user_id)), type=Profile)
    return VerifiedIdentity(
        provider=row["provider"],
        level=row["level"],
        identity_number=keys.open(sealed_number, _identity_context(user_id)) if sealed_number else None,
        identity_number_masked=row["identity_masked"],
        profile=profile,
        phone=row["phone"],
    )


async def sign_in_verified(
    pool: asyncpg.Pool, redis: Redis, *, keys: DataKeys, identity: Identity, now: datetime
) -> str:
    """The one-time ticket of the account `identity` signs in to, linked and its walk-in dossiers claimed."""
    async with acquire(pool) as conn, conn.transaction():
        user_id = await link_identity(conn, keys=keys, identity=identity, now=now)
    return await issue_ticket(redis, user_id)


async def applicant_of(conn: asyncpg.Connection, keys: DataKeys, user_id: uuid.UUID) -> ApplicantPrefill:
    identity = await verified_identity(conn, keys, user_id)
    if identity is None:
        raise NotFoundError("identity-not-verified")
    return ApplicantPrefill(
        full_name=identity.profile.full_name,
        date_of_birth=identity.profile.born(),
        address=identity.profile.address,
        phone=identity.phone,
        identity_number_masked=identity.identity_number_masked,
    )
