"""Numbered, forward-only SQL migrations (migrations/NNNN_name.sql), each in its own transaction,
all under one advisory lock so several processes starting at once migrate exactly once.

Data steps are what SQL alone cannot do (sealing rows needs the data key, which the database never
sees): functions the composition root passes in, run after the SQL migrations under the same lock,
each in its own transaction (all of it or nothing), on every run. Each must therefore be idempotent
and cheap when there is nothing left to do."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import asyncpg

_LOCK_ID = 0x6D6F7463  # "motc"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


DataStep = Callable[[asyncpg.Connection], Awaitable[object]]


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files("core.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    # numbers are handed out ahead of landing, so one may arrive before a lower one: gaps are allowed,
    # two files with one number are not
    if len(set(versions)) != len(versions) or (versions and versions[0] != 1):
        raise RuntimeError(f"migrations must be numbered uniquely from 0001, found {versions}")
    return found


def migration_versions() -> set[int]:
    """The versions of this code's migrations, from their file names alone."""
    found = (_NAME.match(entry.name) for entry in resources.files("core.migrations").iterdir())
    return {int(match.group(1)) for match in found if match}


async def migrate(conn: asyncpg.Connection, data_steps: Sequence[DataStep] = ()) -> list[str]:
    """Apply what is missing, then run the data steps; returns the names of the migrations applied."""
    applied_now: list[str] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _LOCK_ID)
    try:
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        for migration in load_migrations():
            if migration.version in done:
                continue
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            applied_now.append(migration.name)
        for step in data_steps:
            async with conn.transaction():
                await step(conn)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _LOCK_ID)
    return applied_now
