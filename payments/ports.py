"""What payments needs to know about dossiers, provided by the dossier side (wired in asgi.py)."""

from __future__ import annotations

import uuid
from typing import Protocol

import asyncpg
import msgspec

from core.auth import Principal


class PayableDossier(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    code: str | None
    status: str
    fee: int
    agency_code: str
    owner_id: uuid.UUID | None
    procedure_slug: str
    procedure_names: dict[str, str]
    agency_names: dict[str, str]
    payer_name: str


class Dossiers(Protocol):
    async def visible(
        self, conn: asyncpg.Connection, dossier_id: uuid.UUID, principal: Principal
    ) -> PayableDossier | None:
        """The dossier if this caller may see it, else None."""

    async def get(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None: ...

    async def lock(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None:
        """The dossier, its row locked until the transaction ends: every settlement takes this lock
        before it changes a payment, so the payments of one dossier settle one at a time."""

    async def lock_many(
        self, conn: asyncpg.Connection, dossier_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, PayableDossier]:
        """`lock` for several dossiers at once, taken in id order so that two such calls never deadlock."""
