"""The offices of the province served: seeded from the administrative data, held in memory, chosen
for a dossier; official codes and names imported over the seeded ones."""

from __future__ import annotations

import re

import asyncpg
import msgspec

from api.agencies import queries
from api.agencies.addresses import NormalizedAddress, normalize_address
from api.agencies.models import Office, OfficesData
from api.agencies.official import Change
from api.catalog.models import Level
from core.db import json_text
from i18n.text import fold

_CODE = re.compile(r"^(\w{3})\.(\d{2})\.(\d{2})\.(\w+)$")


def _free_code(code: str, taken: set[str]) -> str:
    """The code itself, or the first free one of its shape: the data gained a unit after offices were
    seeded, and the unit numbered like it is now holds the number."""
    if code not in taken:
        return code
    match = _CODE.match(code)
    if match is None:
        raise ValueError(f"office code {code} is taken")
    prefix, _, _, group = match.groups()
    for nn in range(1, 100):
        for mm in range(1, 100):
            candidate = f"{prefix}.{nn:02d}.{mm:02d}.{group}"
            if candidate not in taken:
                return candidate
    raise ValueError(f"no free office code of the shape {code}")


async def seed_offices(conn: asyncpg.Connection, data: OfficesData) -> None:
    """Add the province's offices that are missing and refresh the names of those not made official;
    an office is its kind and ward, so one with an imported code keeps it."""
    province = data.province.code
    async with conn.transaction():
        await conn.execute(queries.SEED_LOCK)
        current = {
            (r["kind"], r["ward_code"]): r["code"]
            for r in await conn.fetch(queries.SELECT_PROVINCE_IDENTITIES, province)
        }
        taken = {r["code"] for r in await conn.fetch(queries.SELECT_ALL_CODES)}
        columns: list[list[str | None]] = [[] for _ in range(7)]
        for o in data.offices:
            code = current.get((o.kind, o.ward_code or ""))
            if code is None:
                code = _free_code(o.code, taken)
                taken.add(code)
            row = (code, o.kind, o.level.value, json_text(o.names), o.ward_code, o.ward, province)
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        await conn.execute(queries.UPSERT_OFFICES, *columns)


async def apply_official(conn: asyncpg.Connection, changes: list[Change]) -> None:
    """Official codes and names, all in one transaction; a code is replaced wherever it is referenced
    (the foreign keys cascade). Codes go through a temporary one first, so two offices may swap."""
    async with conn.transaction():
        recoded = [c for c in changes if c.code != c.old_code]
        for c in recoded:
            await conn.execute(queries.RECODE_OFFICE, c.old_code, "import:" + c.old_code)
        for c in changes:
            current = "import:" + c.old_code if c.code != c.old_code else c.old_code
            await conn.execute(queries.RENAME_OFFICE, current, c.code, c.name)


class OfficeDirectory:
    def __init__(self, offices: list[Office], *, province_code: str = "79", default_commune_office: str = "") -> None:
        self.province_code = province_code
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

    def read_address(self, raw: str) -> NormalizedAddress:
        """An applicant's address read against the province served (its data is loaded at first use)."""
        return normalize_address(raw, self.province_code)

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


async def load_directory(
    conn: asyncpg.Connection, *, province_code: str = "79", default_commune_office: str = ""
) -> OfficeDirectory:
    rows = await conn.fetch(queries.SELECT_OFFICES, province_code)
    offices = [msgspec.convert(dict(r), Office) for r in rows]
    return OfficeDirectory(offices, province_code=province_code, default_commune_office=default_commune_office)
