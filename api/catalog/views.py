"""Procedure shapes as the app receives them (contracts.md "Catalog"), localized."""

from __future__ import annotations

from datetime import date

import msgspec

from api.catalog.models import (
    AgencyKind,
    FeeLine,
    FeeScope,
    FieldType,
    FileType,
    Names,
    OnlineService,
    Procedure,
    Resolved,
    ResultKind,
    Source,
)
from i18n.messages import Text

# i18n: said under a fee the province's People's Council sets when the deployment's province has no confirmed rate
_PROVINCE_UNCONFIRMED = Text(
    "Mức thu do Hội đồng nhân dân cấp tỉnh quyết định; mức hiển thị chưa được xác nhận cho tỉnh, thành phố này."
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


class FeeLineOut(msgspec.Struct, frozen=True, kw_only=True):
    amount: int
    case: str
    cases: Names
    from_: date = msgspec.field(name="from")
    to: date | None
    basis: str


class ProcedureDetail(ProcedureSummary, frozen=True, kw_only=True):
    on: date  # the day the fee, office and time limit are those in force
    national_code: str | None
    version: int
    verified_on: date | None
    sources: list[Source]
    fees: list[FeeLineOut]
    fee_scope: FeeScope
    fee_confirmed: bool
    unconfirmed: str | None  # what could not be confirmed from a source, said to the reader
    fee_note: str | None
    result: ResultKind
    requirements: list[RequirementOut]
    form_fields: list[FormFieldOut]
    legal_basis: list[str]
    guidance: str
    # filed online only when signed in with VNeID at this level (2: the verified one); null: any account
    requires_identity_level: int | None = None


def summary(p: Procedure, r: Resolved, kind: AgencyKind | None, locale: str) -> ProcedureSummary:
    return ProcedureSummary(
        slug=p.slug,
        name=p.names.pick(locale),
        names=p.names,
        agency=AgencyRef(code=r.agency, name=kind.names.pick(locale) if kind else r.agency),
        online=p.online,
        fee=r.fee,
        processing_days=r.processing_days,
    )


def fee_line(line: FeeLine, locale: str) -> FeeLineOut:
    return FeeLineOut(
        amount=line.amount,
        case=line.cases.pick(locale),
        cases=line.cases,
        from_=line.from_,
        to=line.to,
        basis=line.basis,
    )


def _unconfirmed(p: Procedure, r: Resolved, locale: str) -> str | None:
    parts = [p.unconfirmed.pick(locale)] if p.unconfirmed else []
    if r.fee_scope is FeeScope.PROVINCE and not r.fee_confirmed:
        parts.append(_PROVINCE_UNCONFIRMED.pick(locale))
    return " ".join(parts) or None


def detail(p: Procedure, r: Resolved, kind: AgencyKind | None, locale: str, *, version: int) -> ProcedureDetail:
    s = summary(p, r, kind, locale)
    return ProcedureDetail(
        **msgspec.structs.asdict(s),
        on=r.day,
        national_code=p.national_code,
        version=version,
        verified_on=p.verified_on,
        sources=list(p.sources),
        fees=[fee_line(line, locale) for line in r.fees],
        fee_scope=r.fee_scope,
        fee_confirmed=r.fee_confirmed,
        unconfirmed=_unconfirmed(p, r, locale),
        fee_note=p.fee_note.pick(locale) if p.fee_note else None,
        result=p.result,
        requires_identity_level=p.requires_identity_level,
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
