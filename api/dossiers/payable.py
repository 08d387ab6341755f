"""The dossier facts payments needs, through the port payments/ports.py declares."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import asyncpg

from api.agencies.service import OfficeDirectory
from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.access import visible_to
from api.dossiers.reads import procedure_of
from api.dossiers.rows import DossierRow, MoveRow, PayableRow
from core.auth import Principal
from core.db import fetch_all_as, fetch_one_as
from core.errors import NotFoundError
from payments.ports import PayableDossier


class PayableDossiers:
    """Built once for the process: `catalog_now` is asked each time, the catalog being replaced on reload."""

    def __init__(self, catalog_now: Callable[[], Catalog], offices: OfficeDirectory) -> None:
        self._catalog_now = catalog_now
        self._offices = offices

    def _shape(self, row: MoveRow | PayableRow, payer_name: str) -> PayableDossier:
        procedure = procedure_of(self._catalog_now(), row.procedure_slug)
        return PayableDossier(
            id=row.id,
            code=row.code,
            status=row.status,
            fee=row.fee,
            agency_code=row.agency_code,
            owner_id=row.owner_id,
            procedure_slug=procedure.slug,
            procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
            agency_names=self._office_names(row.agency_code),
            payer_name=payer_name,
        )

    def _office_names(self, code: str) -> dict[str, str]:
        office = self._offices.get(code)
        return {"vi": office.names.vi, "en": office.names.en} if office else {}

    async def visible(
        self, conn: asyncpg.Connection, dossier_id: uuid.UUID, principal: Principal
    ) -> PayableDossier | None:
        try:
            row = visible_to(
                await fetch_one_as(DossierRow, conn, queries.GET_DOSSIER_FOR_UPDATE, dossier_id), principal
            )
        except NotFoundError:
            return None
        return self._shape(row, row.applicant_name)

    async def get(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None:
        row = await fetch_one_as(DossierRow, conn, queries.GET_DOSSIER, dossier_id)
        return self._shape(row, row.applicant_name) if row is not None else None

    async def lock(self, conn: asyncpg.Connection, dossier_id: uuid.UUID) -> PayableDossier | None:
        return (await self.lock_many(conn, [dossier_id])).get(dossier_id)

    async def lock_many(
        self, conn: asyncpg.Connection, dossier_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, PayableDossier]:
        rows = await fetch_all_as(PayableRow, conn, queries.GET_PAYABLE_DOSSIERS_FOR_UPDATE, sorted(set(dossier_ids)))
        return {row.id: self._shape(row, row.payer_name) for row in rows}
