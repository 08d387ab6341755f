"""Concrete offices a dossier goes to. Pure."""

from __future__ import annotations

import msgspec

from api.catalog.models import Level, Names


class Office(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    kind: str
    level: Level
    names: Names
    ward_code: str | None = None
    ward: str | None = None


class Province(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    group: str


class OfficesData(msgspec.Struct, frozen=True, kw_only=True):
    province: Province
    offices: tuple[Office, ...]


class AgencyOut(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    names: Names
    kind: str
    level: Level
    ward: str | None
