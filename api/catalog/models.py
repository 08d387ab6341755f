"""The procedure catalog: what the seed file holds and what the API answers. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

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


Amount = Annotated[int, Meta(ge=0, le=10**12)]  # VND; the bound of every money field (contracts.md)
Label = Annotated[str, Meta(min_length=1, max_length=300)]


class Source(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Where a fact was read: the document (or the page reporting it), its address, and the day checked."""

    title: Label
    url: Annotated[str, Meta(pattern=r"^https?://[^\s]+$", max_length=1000)]
    checked_on: date


class FeeLine(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One amount for one case over one period (`to` inclusive; None: until changed). `case` is the
    Vietnamese label, `cases` every language of it."""

    amount: Amount
    case: Label
    cases: Names
    from_: date = msgspec.field(name="from")
    to: date | None = None
    basis: Label
    # the answers of the dossier's form that make it this case (a form field's key, or "channel" for
    # how it is filed: online | counter), each to one of the values listed; empty: not told by the form
    when: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)

    def in_force(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)

    def applies_to(self, form: Mapping[str, Any], channel: str, identity_level: int = 0) -> bool:
        told = {CHANNEL: channel, IDENTITY_LEVEL: str(identity_level)}
        return bool(self.when) and all(
            (told[key] if key in told else _answer(form.get(key))) in values for key, values in self.when.items()
        )


CHANNEL = "channel"  # in a fee line's `when`: how the dossier is filed
# in a fee line's `when`: the level of the identity VNeID vouched for of the account filing online ("0": a
# phone-only account or a walk-in), for fees waived for level-2 accounts
IDENTITY_LEVEL = "identity_level"


def _answer(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class ProvincialFees(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The fee lines one province's council set, with where they were read."""

    fees: tuple[FeeLine, ...]  # at least one (api/catalog/validation.py)
    sources: tuple[Source, ...]  # at least one
    verified_on: date | None = None


class DatedAgency(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The kind of office that handled the procedure over a period other than today's."""

    agency: str
    from_: date = msgspec.field(name="from")
    to: date | None = None
    basis: Label

    def in_force(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class DatedDuration(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """The time limit over a period other than today's."""

    processing_days: Annotated[int, Meta(ge=0, le=365)]
    from_: date = msgspec.field(name="from")
    to: date | None = None
    basis: Label

    def in_force(self, day: date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)


class Procedure(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One procedure as the data file and `motcua catalog export` hold it. `agency` and
    `processing_days` are today's; `agencies` and `durations` hold other periods, `fees` every period."""

    slug: Annotated[str, Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]
    names: Names
    # the code in the National Database on Administrative Procedures; None where not confirmed
    national_code: Annotated[str, Meta(pattern=r"^[0-9]\.[0-9]{6}$")] | None = None
    agency: str  # an AgencyKind code
    online: OnlineService
    fees: tuple[FeeLine, ...]  # at least one (api/catalog/validation.py)
    # set by each province's People's Council: `provinces` holds them by province code
    provincial_fee: bool = False
    provinces: dict[Annotated[str, Meta(pattern=r"^[0-9]{2}$")], ProvincialFees] = {}
    fee_note: Names | None
    processing_days: Annotated[int, Meta(ge=0, le=365)]  # 0: the same working day
    result: ResultKind
    requirements: tuple[Requirement, ...]
    form_fields: tuple[FormField, ...]
    legal_basis: tuple[str, ...]
    guidance: Names
    keywords: tuple[str, ...] = ()  # colloquial names citizens type, used by search
    sources: tuple[Source, ...]  # at least one
    verified_on: date | None = None  # None: not every fact could be confirmed (`unconfirmed` says which)
    unconfirmed: Names | None = None
    agencies: tuple[DatedAgency, ...] = ()
    durations: tuple[DatedDuration, ...] = ()
    # filed online only from an account whose identity VNeID vouched for at this level or above; None: any
    requires_identity_level: Annotated[int, Meta(ge=1, le=2)] | None = None

    def admits(self, identity_level: int) -> bool:
        """Whether an account with this verified level (0: phone only) may file it online."""
        return self.requires_identity_level is None or identity_level >= self.requires_identity_level


class CatalogData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The shape of api/catalog/data/procedures.json."""

    agency_kinds: tuple[AgencyKind, ...]
    procedures: tuple[Procedure, ...]


class ExportData(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The shape of `motcua catalog export`."""

    procedures: tuple[Procedure, ...]


class FeeScope(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"


class Resolved(msgspec.Struct, frozen=True, kw_only=True):
    """A procedure's dated facts on one day, for one province."""

    day: date
    agency: str
    processing_days: int
    fees: tuple[FeeLine, ...]  # the lines in force that day
    fee: int
    fee_line: FeeLine | None  # the line `fee` comes from
    fee_scope: FeeScope
    fee_confirmed: bool  # False: set by the province and not confirmed for this one, or not verified


def fee_lines_for(p: Procedure, province: str) -> tuple[tuple[FeeLine, ...], bool]:
    """The fee lines that apply in `province`, and whether they are confirmed there."""
    if p.provincial_fee:
        override = p.provinces.get(province)
        if override is not None:
            return override.fees, override.verified_on is not None
        return p.fees, False
    return p.fees, p.verified_on is not None


def primary_fee(lines: tuple[FeeLine, ...], day: date) -> FeeLine | None:
    """The line the summary's `fee` comes from: the first line's case in force on `day`, else the first line
    in force, else none (nothing charged that day)."""
    if not lines:
        return None
    in_force = [line for line in lines if line.in_force(day)]
    first_case = lines[0].case
    return next((line for line in in_force if line.case == first_case), in_force[0] if in_force else None)


def fee_for_form(resolved: Resolved, form: Mapping[str, Any], channel: str, identity_level: int = 0) -> int:
    """What a dossier with this form, filed this way by this account, owes by the lines in force: of the lines
    whose `when` its answers meet, the one that asks most (a waiver for level-2 accounts beside the renewal
    fee it waives), the first of equals; the summary's fee when no line says which answers make its case."""
    met = [line for line in resolved.fees if line.applies_to(form, channel, identity_level)]
    line = max(met, key=lambda line: len(line.when), default=None)  # max keeps the first of equals
    return line.amount if line is not None else resolved.fee


def resolve(p: Procedure, day: date, province: str) -> Resolved:
    lines, confirmed = fee_lines_for(p, province)
    main = primary_fee(lines, day)
    agency = next((a.agency for a in p.agencies if a.in_force(day)), p.agency)
    days = next((d.processing_days for d in p.durations if d.in_force(day)), p.processing_days)
    return Resolved(
        day=day,
        agency=agency,
        processing_days=days,
        fees=tuple(line for line in lines if line.in_force(day)),
        fee=main.amount if main else 0,
        fee_line=main,
        fee_scope=FeeScope.PROVINCE if p.provincial_fee else FeeScope.NATIONAL,
        fee_confirmed=confirmed,
    )
