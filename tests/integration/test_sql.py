"""Every SQL statement the code holds prepares against the migrated schema."""

from __future__ import annotations

import importlib

import asyncpg
import pytest

from core.db import acquire
from core.migrate import load_migrations

MODULES = (
    "api.accounts.queries",
    "api.agencies.queries",
    "api.catalog.queries",
    "api.dossiers.queries",
    "api.onestop.queries",
    "core.events.outbox",
    "api.seed",
    "payments.queries",
    "notifications.queries",
    "api.handoffs.queries",
    "api.stats.queries",
    "notifications.alert_queries",
    "core.audit",
    "assistant.channels.queries",
    "api.integrations.queries",
)


def _statements() -> list[tuple[str, str]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            is_sql = isinstance(value, str) and value.split(maxsplit=1)[:1] in (
                ["SELECT"],
                ["INSERT"],
                ["UPDATE"],
                ["DELETE"],
                ["WITH"],
            )
            if attr.isupper() and is_sql and not attr.startswith("_"):
                found.append((f"{name}.{attr}", value))
    return found


@pytest.mark.parametrize(("name", "sql"), _statements(), ids=[n for n, _ in _statements()])
async def test_statement_prepares(pool: asyncpg.Pool, name: str, sql: str) -> None:
    async with acquire(pool) as conn:
        await conn.prepare(sql)


def test_migrations_are_numbered_uniquely_from_one() -> None:
    versions = [m.version for m in load_migrations()]
    assert versions[0] == 1
    assert versions == sorted(set(versions))


async def test_migrating_again_applies_nothing(pool: asyncpg.Pool) -> None:
    from core.migrate import migrate

    async with acquire(pool) as conn:
        assert await migrate(conn) == []
