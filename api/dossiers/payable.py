"""The dossier facts payments needs, through the port payments/ports.py declares."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from api.context import AppContext
from api.dossiers import queries
from api.dossiers.access import procedure_of, visible_to
from core.auth import Principal
from core.errors import NotFoundError
from payments.ports import PayableDossier


class PayableDossiers:
    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx

    def _shape(self, row: Any, payer_name: str | None = None) -> PayableDossier:
        procedure = procedure_of(self._ctx, row["procedure_slug"])
        return PayableDossier(
            id=row["id"],
            code=row["code"],
            status=row["status"],
            fee=row["fee"],
            agency_code=row["agency_code"],
            owner_id=row["owner_id"],
            procedure_slug=procedure.slug,
            procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
            agency_names=self._office_names(row["agency_code"]),
            payer_name=payer_name if payer_name is not None else row["applicant"]["full_name"],
        )

    def _office_names(self, code: str) -> dict[str, str]:
        office = self._ctx.offices.get(code)
        return {"vi": office.names.vi, "en": office.names.en} if office else {}

    async def visible(
        self, conn: asyncpg.Connection, dossier_id: uuid.UUID, principal: Principal
    ) -> PayableDossier | None:
        try:
            row = visible_to(await conn.fetchrow(queries.GET_DOSSIER_FOR_UPDATE, dossier_id), principal)
        except NotFoundError:
            return None
        return self._shape(row)

    async def get(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None:
        row = await conn.fetchrow(queries.GET_DOSSIER, dossier_id)
        return self._shape(row) if row is not None else None

    async def lock(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None:
        return (await self.lock_many(conn, [dossier_id])).get(dossier_id)

    async def lock_many(
        self, conn: asyncpg.Connection, dossier_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, PayableDossier]:
        rows = await conn.fetch(queries.GET_PAYABLE_DOSSIERS_FOR_UPDATE, sorted(set(dossier_ids)))
        return {row["id"]: self._shape(row, payer_name=row["payer_name"]) for row in rows}
