"""An identity VNeID vouches for finds its account: by identity number, then by the provider's subject,
then by phone (the phone account gains the identity); else a new account. Sealed at rest, masked out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import msgspec
import pytest

from api.accounts.oidc import Identity
from api.accounts.verified import link_identity, verified_identity
from core.db import acquire
from core.errors import UnauthorizedError
from core.sealing import DataKeys
from core.settings import Settings

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NHUNG = Identity(
    subject="vneid-7c1f0e",
    name="Lê Thị Hồng Nhung",
    birthdate="1991-04-23",
    phone_number="+84912345678",
    identity_number="079191001234",
    address="45 Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh",
    level=2,
)


@pytest.fixture
def keys(settings: Settings) -> DataKeys:
    return DataKeys.from_text(settings.data_key)


async def link(pool: asyncpg.Pool, keys: DataKeys, identity: Identity) -> uuid.UUID:
    async with acquire(pool) as conn, conn.transaction():
        return await link_identity(conn, keys=keys, identity=identity, now=NOW)


async def test_a_new_identity_makes_an_account_with_its_phone(pool: asyncpg.Pool, keys: DataKeys) -> None:
    user = await link(pool, keys, NHUNG)
    async with acquire(pool) as conn:
        assert await conn.fetchval("SELECT phone FROM users WHERE id = $1", user) == "0912345678"
        found = await verified_identity(conn, keys, user)
    assert found is not None
    assert (found.level, found.identity_number, found.identity_number_masked) == (2, "079191001234", "0791******34")
    assert found.profile.full_name == "Lê Thị Hồng Nhung"


async def test_a_phone_account_gains_the_identity(pool: asyncpg.Pool, keys: DataKeys) -> None:
    async with pool.acquire() as conn:
        phone_account = await conn.fetchval(
            "INSERT INTO users (id, phone, role, created_at) VALUES ($1, '0912345678', 'citizen', $2) RETURNING id",
            uuid.uuid4(),
            NOW,
        )
    assert await link(pool, keys, NHUNG) == phone_account


async def test_the_identity_number_finds_the_account_even_from_another_phone(
    pool: asyncpg.Pool, keys: DataKeys
) -> None:
    first = await link(pool, keys, NHUNG)
    moved = msgspec.structs.replace(NHUNG, subject="vneid-new-subject", phone_number="0987654321")
    assert await link(pool, keys, moved) == first


async def test_nothing_of_the_identity_is_stored_in_clear(pool: asyncpg.Pool, keys: DataKeys) -> None:
    user = await link(pool, keys, NHUNG)
    async with pool.acquire() as conn:
        row = await conn.fetchrow("SELECT * FROM verified_identities WHERE user_id = $1", user)
    assert row is not None
    stored = " ".join(str(v) for v in dict(row.items()).values())
    assert "079191001234" not in stored
    assert "Nhung" not in stored
    assert "Nguyễn Huệ" not in stored


async def test_an_identity_without_a_usable_phone_and_no_account_is_refused(pool: asyncpg.Pool, keys: DataKeys) -> None:
    with pytest.raises(UnauthorizedError):
        await link(pool, keys, msgspec.structs.replace(NHUNG, phone_number="+1 555 0100"))
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM verified_identities") == 0
