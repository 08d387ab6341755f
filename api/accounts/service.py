"""Sign-in with a one-time code, tokens and refresh-token rotation."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
from redis.asyncio import Redis

from api.accounts import queries
from api.accounts.codes import OneTimeCodes
from api.accounts.models import (
    IdentityOut,
    Me,
    StaffMember,
    TokenPair,
    new_otp,
    new_refresh_token,
    otp_digest,
    refresh_digest,
)
from api.accounts.sms import SmsNotSent, SmsSender
from api.dossiers.owners import claim_counter_dossiers
from core.auth import Principal, Role, issue_access_token
from core.clock import Clock
from core.errors import DomainError, NotFoundError, UnauthorizedError
from core.settings import Settings


async def request_otp(
    *, redis: Redis, sms: SmsSender, settings: Settings, clock: Clock, phone: str, address: str
) -> None:
    """Send a new code to `phone`, asked from `address`. The code is kept only once the gateway took
    the message: a send that failed leaves no code, no cooldown and no count against the phone."""
    codes = OneTimeCodes(redis, settings, clock)
    send_id = await codes.reserve_send(phone, address)
    code = new_otp()
    try:
        await sms.send_otp(phone, code)
    except SmsNotSent as exc:
        await codes.release_send(phone, send_id)
        raise DomainError("sms-unavailable", status=503) from exc
    await codes.keep(phone, otp_digest(settings.jwt_secret, phone, code))


async def verify_otp(*, redis: Redis, settings: Settings, clock: Clock, phone: str, code: str) -> None:
    codes = OneTimeCodes(redis, settings, clock)
    await codes.spend(phone, otp_digest(settings.jwt_secret, phone, code.strip()))


async def ensure_user(conn: asyncpg.Connection, *, phone: str, clock: Clock, role: Role | None = None) -> uuid.UUID:
    row = await conn.fetchrow(queries.UPSERT_USER, uuid.uuid4(), phone, (role or Role.CITIZEN).value, clock.now())
    assert row is not None
    if role is not None and row["role"] != role.value:
        await conn.execute(queries.SET_ROLE, row["id"], role.value)
    user_id: uuid.UUID = row["id"]
    return user_id


async def set_full_name(conn: asyncpg.Connection, *, user_id: uuid.UUID, full_name: str) -> None:
    await conn.execute(queries.SET_FULL_NAME, user_id, full_name)


async def bind_agency(conn: asyncpg.Connection, *, user_id: uuid.UUID, office_code: str) -> None:
    await conn.execute(queries.BIND_AGENCY, user_id, office_code)


async def principal_for(conn: asyncpg.Connection, user_id: uuid.UUID) -> Principal:
    row = await conn.fetchrow(queries.GET_USER, user_id)
    if row is None:
        raise NotFoundError()
    agencies = tuple(r["office_code"] for r in await conn.fetch(queries.USER_AGENCIES, user_id))
    return Principal(
        user_id=row["id"],
        role=Role(row["role"]),
        phone=row["phone"],
        agencies=agencies,
        identity_level=row["identity_level"],
    )


async def issue_tokens(
    conn: asyncpg.Connection,
    *,
    user_id: uuid.UUID,
    settings: Settings,
    clock: Clock,
    family_id: uuid.UUID | None = None,
) -> TokenPair:
    now = clock.now()
    if await conn.fetchval(queries.IS_DISABLED, user_id):
        raise UnauthorizedError()  # an operator disabled the account: no sign-in, no refresh
    principal = await principal_for(conn, user_id)
    access = issue_access_token(principal, secret=settings.jwt_secret, now=now, ttl=settings.access_token_ttl)
    refresh = new_refresh_token()
    await conn.execute(
        queries.INSERT_REFRESH,
        uuid.uuid4(),
        family_id or uuid.uuid4(),
        user_id,
        refresh_digest(refresh),
        now + timedelta(seconds=settings.refresh_token_ttl),
        now,
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl)


async def sign_in(
    conn: asyncpg.Connection, *, redis: Redis, settings: Settings, clock: Clock, phone: str, code: str
) -> TokenPair:
    await verify_otp(redis=redis, settings=settings, clock=clock, phone=phone, code=code)
    async with conn.transaction():
        user_id = await ensure_user(conn, phone=phone, clock=clock)
        await claim_counter_dossiers(conn, user_id=user_id, phone=phone)
        return await issue_tokens(conn, user_id=user_id, settings=settings, clock=clock)


async def refresh_tokens(conn: asyncpg.Connection, *, settings: Settings, clock: Clock, token: str) -> TokenPair:
    """Rotate: each refresh token works once; presenting a spent one revokes its whole family."""
    now = clock.now()
    async with conn.transaction():
        row = await conn.fetchrow(queries.GET_REFRESH_FOR_UPDATE, refresh_digest(token))
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= now:
            raise UnauthorizedError("refresh-invalid")
        if row["used_at"] is not None:
            await conn.execute(queries.REVOKE_FAMILY, row["family_id"], now)
            reuse_detected = True
        else:
            reuse_detected = False
            await conn.execute(queries.MARK_REFRESH_USED, row["id"], now)
            pair = await issue_tokens(
                conn, user_id=row["user_id"], settings=settings, clock=clock, family_id=row["family_id"]
            )
    if reuse_detected:  # outside the transaction, so the revocation is committed
        raise UnauthorizedError("refresh-invalid")
    return pair


async def me(conn: asyncpg.Connection, principal: Principal) -> Me:
    row = await conn.fetchrow(queries.GET_USER, principal.user_id)
    if row is None:
        raise UnauthorizedError()
    agencies = [r["office_code"] for r in await conn.fetch(queries.USER_AGENCIES, principal.user_id)]
    verified = await conn.fetchrow(queries.IDENTITY_SUMMARY, principal.user_id)
    return Me(
        id=row["id"],
        phone=row["phone"],
        role=Role(row["role"]),
        agencies=agencies,
        full_name=row["full_name"],
        identity=None
        if verified is None
        else IdentityOut(
            level=verified["level"],
            provider=verified["provider"],
            identity_number_masked=verified["identity_masked"],
        ),
    )


async def list_staff(conn: asyncpg.Connection) -> list[StaffMember]:
    """Officers and admins, with their offices and whether they are disabled."""
    return [
        StaffMember(
            id=r["id"],
            phone=r["phone"],
            role=Role(r["role"]),
            full_name=r["full_name"],
            agencies=list(r["agencies"]),
            disabled=r["disabled_at"] is not None,
        )
        for r in await conn.fetch(queries.LIST_STAFF)
    ]


async def set_staff_disabled(conn: asyncpg.Connection, *, phone: str, disabled: bool, clock: Clock) -> uuid.UUID:
    """Disable (their refresh tokens revoked too) or enable an officer or admin; NotFoundError for a
    phone that is neither. Announcing it to the serving processes is the caller's next step."""
    async with conn.transaction():
        user_id: uuid.UUID | None = await conn.fetchval(queries.SET_STAFF_DISABLED, phone, disabled, clock.now())
        if user_id is None:
            raise NotFoundError()
        if disabled:
            await conn.execute(queries.REVOKE_USER_REFRESH, user_id, clock.now())
    return user_id
