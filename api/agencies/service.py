"""The offices of the province: seeded from data, held in memory, chosen for a dossier."""

from __future__ import annotations

from importlib import resources

import asyncpg
import msgspec

from api.agencies import queries
from api.agencies.models import Office, OfficesData
from api.catalog.models import Level
from i18n.text import fold


def load_offices_data() -> OfficesData:
    raw = resources.files("api.agencies").joinpath("data/offices.json").read_bytes()
    return msgspec.json.decode(raw, type=OfficesData)


async def seed_offices(conn: asyncpg.Connection, data: OfficesData) -> None:
    async with conn.transaction():
        for o in data.offices:
            await conn.execute(
                queries.UPSERT_OFFICE,
                o.code,
                o.kind,
                o.level.value,
                msgspec.to_builtins(o.names),
                o.ward_code,
                o.ward,
            )


class OfficeDirectory:
    def __init__(self, offices: list[Office], *, default_commune_office: str = "") -> None:
        self.offices = offices
        self.by_code = {o.code: o for o in offices}
        self._by_kind_ward = {(o.kind, o.ward_code): o for o in offices}
        self._by_kind: dict[str, list[Office]] = {}
        for o in offices:
            self._by_kind.setdefault(o.kind, []).append(o)
        self._default_commune_ward = None
        if default_commune_office in self.by_code:
            self._default_commune_ward = self.by_code[default_commune_office].ward_code

    def get(self, code: str) -> Office | None:
        return self.by_code.get(code)

    def sole(self, kind: str) -> Office | None:
        """The office of `kind` when the province has exactly one (a department), else None."""
        candidates = self._by_kind.get(kind, [])
        return candidates[0] if len(candidates) == 1 else None

    def route(self, kind: str, ward_code: str | None) -> tuple[Office | None, bool]:
        """The office of `kind` serving `ward_code`, and whether the choice is a fallback an
        officer should check (the address did not resolve to a ward of this province)."""
        candidates = self._by_kind.get(kind, [])
        if not candidates:
            return None, True
        if candidates[0].level is Level.PROVINCE:
            return candidates[0], False
        exact = self._by_kind_ward.get((kind, ward_code))
        if exact is not None:
            return exact, False
        fallback = self._by_kind_ward.get((kind, self._default_commune_ward)) or candidates[0]
        return fallback, True

    def search(self, q: str | None, level: Level | None) -> list[Office]:
        needle = fold(q) if q else ""
        return [
            o
            for o in self.offices
            if (level is None or o.level is level)
            and (not needle or needle in fold(o.names.vi) or needle in fold(o.names.en) or needle in o.code.lower())
        ]


async def load_directory(conn: asyncpg.Connection, *, default_commune_office: str = "") -> OfficeDirectory:
    rows = await conn.fetch(queries.SELECT_OFFICES)
    offices = [msgspec.convert(dict(r), Office) for r in rows]
    return OfficeDirectory(offices, default_commune_office=default_commune_office)
