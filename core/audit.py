"""The audit trail of dossiers (as Open Zaak keeps one per case): who read a dossier, its papers or its
result, and who acted on it, in the append-only table of migration 0012.

An action's entry goes in the action's transaction, so an action that fails leaves none. A read's entry
is written by the statement that serves the read (`audited`), after the reader was found allowed: the
read path gains no round trip."""

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


def audited(sql: str, params: int) -> str:
    """`sql`, a statement of `params` parameters, that also appends the entry given as the next six
    (AuditEntry.params()). A data-modifying WITH runs whatever the statement returns."""
    first = params + 1
    values = ", ".join(f"${first + i}" for i in range(6))
    return f"WITH audit_entry AS (INSERT INTO {_INSERT_COLUMNS} VALUES ({values}))\n{sql}"


async def record(conn: asyncpg.Connection, entry: AuditEntry) -> None:
    await conn.execute(INSERT, *entry.params())


async def trail(
    conn: asyncpg.Connection, dossier_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """A dossier's entries, newest first, and how many there are."""
    rows = await conn.fetch(TRAIL, dossier_id, limit, offset)
    return rows, (rows[0]["total"] if rows else 0)
