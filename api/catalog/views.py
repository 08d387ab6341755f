"""Procedure shapes as the app receives them (contracts.md "Catalog"), localized."""

from __future__ import annotations

import msgspec

from api.catalog.models import (
    AgencyKind,
    FieldType,
    FileType,
    Names,
    OnlineService,
    Procedure,
    ResultKind,
)


class AgencyRef(msgspec.Struct, frozen=True):
    code: str
    name: str


class ProcedureSummary(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    name: str
    names: Names
    agency: AgencyRef
    online: OnlineService
    fee: int
    processing_days: int


class RequirementOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    name: str
    names: Names
    mandatory: bool
    original: bool
    file_types: tuple[FileType, ...]
    note: str | None


class FormFieldOut(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    type: FieldType
    required: bool
    options: list[str]


class ProcedureDetail(ProcedureSummary, frozen=True, kw_only=True):
    fee_note: str | None
    result: ResultKind
    requirements: list[RequirementOut]
    form_fields: list[FormFieldOut]
    legal_basis: list[str]
    guidance: str


def summary(p: Procedure, kind: AgencyKind | None, locale: str) -> ProcedureSummary:
    return ProcedureSummary(
        slug=p.slug,
        name=p.names.pick(locale),
        names=p.names,
        agency=AgencyRef(code=p.agency, name=kind.names.pick(locale) if kind else p.agency),
        online=p.online,
        fee=p.fee,
        processing_days=p.processing_days,
    )


def detail(p: Procedure, kind: AgencyKind | None, locale: str) -> ProcedureDetail:
    s = summary(p, kind, locale)
    return ProcedureDetail(
        **msgspec.structs.asdict(s),
        fee_note=p.fee_note.pick(locale) if p.fee_note else None,
        result=p.result,
        requirements=[
            RequirementOut(
                key=r.key,
                name=r.names.pick(locale),
                names=r.names,
                mandatory=r.mandatory,
                original=r.original,
                file_types=r.file_types,
                note=r.note.pick(locale) if r.note else None,
            )
            for r in p.requirements
        ],
        form_fields=[
            FormFieldOut(
                key=f.key,
                label=f.labels.pick(locale),
                type=f.type,
                required=f.required,
                options=list(f.options),
            )
            for f in p.form_fields
        ],
        legal_basis=list(p.legal_basis),
        guidance=p.guidance.pick(locale),
    )
