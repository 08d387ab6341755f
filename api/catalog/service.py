"""Seeding the catalog from its data file and reading it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources

import asyncpg
import msgspec

from api.catalog import queries
from api.catalog.models import AgencyKind, CatalogData, Procedure
from api.catalog.search import ProcedureIndex


def load_catalog_data() -> CatalogData:
    raw = resources.files("api.catalog").joinpath("data/procedures.json").read_bytes()
    return msgspec.json.decode(raw, type=CatalogData)


async def seed_catalog(conn: asyncpg.Connection, data: CatalogData, *, now: datetime) -> int:
    """Upsert agency kinds and procedures; returns how many procedures changed."""
    changed = 0
    async with conn.transaction():
        for kind in data.agency_kinds:
            await conn.execute(queries.UPSERT_AGENCY_KIND, kind.code, kind.level.value, msgspec.to_builtins(kind.names))
        for position, procedure in enumerate(data.procedures):
            status = await conn.execute(
                queries.UPSERT_PROCEDURE,
                procedure.slug,
                procedure.agency,
                msgspec.to_builtins(procedure),
                position,
                now,
            )
            changed += status.endswith(" 1")
    return changed


@dataclass
class Catalog:
    """The catalog held in memory: it changes only when seeded, and every request reads it."""

    procedures: list[Procedure]
    kinds: dict[str, AgencyKind]
    by_slug: dict[str, Procedure] = field(init=False)
    index: ProcedureIndex = field(init=False)

    def __post_init__(self) -> None:
        self.by_slug = {p.slug: p for p in self.procedures}
        self.index = ProcedureIndex(self.procedures)

    def get(self, slug: str) -> Procedure | None:
        return self.by_slug.get(slug)


async def load_catalog(conn: asyncpg.Connection) -> Catalog:
    kinds = {
        r["code"]: msgspec.convert({"code": r["code"], "level": r["level"], "names": r["names"]}, AgencyKind)
        for r in await conn.fetch(queries.SELECT_AGENCY_KINDS)
    }
    procedures = [msgspec.convert(r["doc"], Procedure) for r in await conn.fetch(queries.SELECT_PROCEDURES)]
    return Catalog(procedures=procedures, kinds=kinds)
