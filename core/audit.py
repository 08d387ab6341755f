"""The audit trail of dossiers (as Open Zaak keeps one per case): who read a dossier, its papers or its
result, and who acted on it, in the append-only table of migration 0012.

An action's entry goes in the action's transaction, so an action that fails leaves none. A read's entry
is written by the statement that serves the read (AuditedRead), after the reader was found allowed: the
read path gains no round trip.

A read's entry commits asynchronously (synchronous_commit off for that statement alone): waiting for
the WAL flush of every officer read made the read 3-4 ms slower on the development machine, several
times the read itself. PostgreSQL still writes the entry in WAL order and flushes it within a fraction
of a second (3 x wal_writer_delay at worst); what a database crash can lose is the entries of the reads
served in that last fraction, never part of one, and never an action's, which commit with the action."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from core.auth import Principal

ONE_STOP = "one-stop"  # the role of the province's one-stop system acting through its webhook

_INSERT_COLUMNS = "dossier_audit (dossier_id, at, actor_id, actor_role, action, detail)"

INSERT = f"INSERT INTO {_INSERT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6)"

TRAIL = """
SELECT at, actor_id, actor_role, action, detail, count(*) OVER () AS total FROM dossier_audit
WHERE dossier_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3
"""


@dataclass(frozen=True)
class AuditActor:
    id: str | None
    role: str

    @classmethod
    def of(cls, principal: Principal) -> AuditActor:
        return cls(str(principal.user_id), principal.role.value)


@dataclass(frozen=True)
class AuditEntry:
    dossier_id: uuid.UUID
    actor: AuditActor
    action: str
    at: datetime
    detail: Mapping[str, Any] | None = None

    def params(self) -> tuple[Any, ...]:
        detail = dict(self.detail) if self.detail is not None else None
        return (self.dossier_id, self.at, self.actor.id, self.actor.role, self.action, detail)


def audited(sql: str, params: int, *, asynchronous: bool = False) -> str:
    """`sql`, a statement of `params` parameters, that also appends the entry given as the next six
    (AuditEntry.params()). A data-modifying WITH runs whatever the statement returns. `asynchronous`:
    the statement's transaction commits without waiting for the flush (only for a statement that is
    its own transaction: SET LOCAL would reach every statement of an enclosing one). A statement that
    has its own WITH keeps it, after the entry's."""
    first = params + 1
    values = ", ".join(f"${first + i}" for i in range(6))
    if not asynchronous:
        entry = f"audit_entry AS (INSERT INTO {_INSERT_COLUMNS} VALUES ({values}))"
    else:
        entry = (
            f"audit_entry AS (INSERT INTO {_INSERT_COLUMNS} SELECT {values}"
            " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS commit_without_waiting)"
        )
    body = sql.lstrip()
    if body[:5].upper() == "WITH ":
        return f"WITH {entry},\n{body[5:]}"
    return f"WITH {entry}\n{sql}"


class AuditedRead:
    """A read statement, and the same statement also writing the reader's entry when there is one."""

    def __init__(self, sql: str, params: int) -> None:
        self.plain = sql
        self.recorded = audited(sql, params, asynchronous=True)
        self.in_transaction = audited(sql, params)

    def _statement(self, conn: asyncpg.Connection, entry: AuditEntry | None) -> tuple[str, tuple[Any, ...]]:
        if entry is None:
            return self.plain, ()
        return (self.in_transaction if conn.is_in_transaction() else self.recorded), entry.params()

    async def fetch(self, conn: asyncpg.Connection, *args: Any, entry: AuditEntry | None) -> list[asyncpg.Record]:
        sql, more = self._statement(conn, entry)
        return await conn.fetch(sql, *args, *more)

    async def fetchrow(self, conn: asyncpg.Connection, *args: Any, entry: AuditEntry | None) -> asyncpg.Record | None:
        sql, more = self._statement(conn, entry)
        return await conn.fetchrow(sql, *args, *more)


async def record(conn: asyncpg.Connection, entry: AuditEntry) -> None:
    await conn.execute(INSERT, *entry.params())


async def trail(
    conn: asyncpg.Connection, dossier_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """A dossier's entries, newest first, and how many there are."""
    rows = await conn.fetch(TRAIL, dossier_id, limit, offset)
    return rows, (rows[0]["total"] if rows else 0)
