"""The procedure catalog: what the seed file holds and what the API answers. Pure: no I/O."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

import msgspec
from msgspec import Meta


class Level(StrEnum):
    """Where an office sits after the 1/7/2025 two-tier reform (no district level any more)."""

    PROVINCE = "province"
    COMMUNE = "commune"


class OnlineService(StrEnum):
    """Nghị định 42/2022/NĐ-CP: full online (toàn trình) or partly online (một phần)."""

    FULL = "full"
    PARTIAL = "partial"


class ResultKind(StrEnum):
    ELECTRONIC = "electronic"
    PAPER = "paper"


class FieldType(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    SELECT = "select"
    BOOLEAN = "boolean"


FileType = Literal["application/pdf", "image/jpeg", "image/png", "image/heic", "image/heif"]


class Names(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    vi: Annotated[str, Meta(min_length=1)]
    en: Annotated[str, Meta(min_length=1)]

    def pick(self, locale: str) -> str:
        return self.en if locale == "en" else self.vi


class AgencyKind(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A kind of office (the commune People's Committee, the provincial police, ...)."""

    code: Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9-]+$")]
    level: Level
    names: Names


class Requirement(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    key: Annotated[str, Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    names: Names
    mandatory: bool
    original: bool
    file_types: tuple[FileType, ...]
    note: Names | None = None


class FormField(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    key: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$")]
    labels: Names
    type: FieldType
    required: bool
    options: tuple[str, ...] = ()


class Procedure(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    slug: Annotated[str, Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    names: Names
    agency: str  # an AgencyKind code
    online: OnlineService
    fee: Annotated[int, Meta(ge=0)]
    fee_note: Names | None
    processing_days: Annotated[int, Meta(ge=0)]  # 0: the same working day
    result: ResultKind
    requirements: tuple[Requirement, ...]
    form_fields: tuple[FormField, ...]
    legal_basis: tuple[str, ...]
    guidance: Names
    keywords: tuple[str, ...] = ()  # colloquial names citizens type, used by search


class CatalogData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The shape of api/catalog/data/procedures.json."""

    agency_kinds: tuple[AgencyKind, ...]
    procedures: tuple[Procedure, ...]
