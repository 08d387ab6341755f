"""Dossier use cases. Each state change is one transaction: status, history row, outbox event."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import asyncpg
import msgspec

from api.catalog.models import Procedure, ResultKind
from api.context import AppContext
from api.dossiers import queries
from api.dossiers.applicants import StoredApplicant, as_json, check_delivery, clean_applicant
from api.dossiers.codes import dossier_code, lookup_key
from api.dossiers.filetypes import accepted, sniff
from api.dossiers.identity import mask_name
from api.dossiers.models import (
    ACTIVE,
    Action,
    Actor,
    Delivery,
    DossierCreate,
    DossierUpdate,
    InvalidTransition,
    OfficerActionIn,
    RatingIn,
    Status,
    after_receive,
    next_status,
    validate_form,
)
from api.dossiers.views import (
    AddressOut,
    AgencyRef,
    ApplicantOut,
    DocumentOut,
    Dossier,
    History,
    HistoryItem,
    Rating,
    Receipt,
    ReceiptDocument,
    Ref,
    TrackHistoryItem,
    Tracking,
    WalletDocument,
)
from api.dossiers.workdays import VN_TZ
from api.pages import Page, Paging
from core.auth import Principal, Role
from core.errors import ConflictError, DomainError, NotFoundError, ValidationError
from core.events import DossierStatusChanged
from i18n.messages import status_label

EDITABLE = frozenset({Status.DRAFT, Status.SUPPLEMENT_REQUESTED})


@dataclass(frozen=True)
class ActorInfo:
    role: Actor
    user_id: uuid.UUID | None
    name: str | None = None
    source: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> ActorInfo:
        role = Actor.CITIZEN if principal.role is Role.CITIZEN else Actor.OFFICER
        return cls(role=role, user_id=principal.user_id)


# ---- reading --------------------------------------------------------------------------------


def _procedure(ctx: AppContext, slug: str) -> Procedure:
    procedure = ctx.catalog.get(slug)
    if procedure is None:  # the catalog only grows; a dossier's procedure is always there
        raise NotFoundError("procedure-not-found", slug=slug)
    return procedure


def _today(ctx: AppContext) -> date:
    return ctx.clock.now().astimezone(VN_TZ).date()


async def _attachments(conn: asyncpg.Connection, dossier_id: uuid.UUID) -> list[DocumentOut]:
    return [
        DocumentOut(
            id=r["id"],
            requirement=r["requirement"],
            document_id=r["document_id"],
            file_name=r["file_name"],
            content_type=r["content_type"],
            size=r["size"],
            sha256=r["sha256"],
            created_at=r["created_at"],
        )
        for r in await conn.fetch(queries.LIST_ATTACHMENTS, dossier_id)
    ]


def _agency_ref(ctx: AppContext, code: str, locale: str) -> AgencyRef:
    office = ctx.offices.get(code)
    return AgencyRef(code=code, name=office.names.pick(locale) if office else code)


async def view(conn: asyncpg.Connection, ctx: AppContext, row: asyncpg.Record, locale: str) -> Dossier:
    procedure = _procedure(ctx, row["procedure_slug"])
    documents = await _attachments(conn, row["id"])
    stored = msgspec.convert(row["applicant"], StoredApplicant)
    status = Status(row["status"])
    present = {d.requirement for d in documents}
    digitized = all(r.key in present for r in procedure.requirements if r.mandatory)
    overdue: Literal["reception", "processing"] | None = None
    if (
        status in ACTIVE
        and status is not Status.RESULT_READY
        and row["received_at"] is not None
        and row["appointment_date"] is not None
        and row["appointment_date"] < _today(ctx)
    ):
        overdue = "processing"
    return Dossier(
        id=row["id"],
        code=row["code"],
        status=status,
        status_label=status_label(status, locale),
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=_agency_ref(ctx, row["agency_code"], locale),
        channel=row["channel"],
        applicant=ApplicantOut(
            full_name=stored.full_name,
            identity_number_masked=stored.identity_number_masked,
            date_of_birth=stored.date_of_birth,
            phone=stored.phone,
            email=stored.email,
            address=AddressOut(
                raw=stored.address.raw,
                normalized=stored.address.normalized,
                province=stored.address.province,
                ward=stored.address.ward,
            ),
        ),
        form=row["form"],
        delivery=msgspec.convert(row["delivery"], Delivery),
        fee=row["fee"],
        paid=row["paid_at"] is not None,
        documents=documents,
        digitized=digitized,
        has_result=row["result_document"] is not None,
        address_flagged=row["address_flagged"],
        submitted_at=row["submitted_at"],
        received_at=row["received_at"],
        appointment_date=row["appointment_date"],
        reception_due_at=None,
        overdue=overdue,
        lookup_key=row["lookup_key"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _visible(row: asyncpg.Record | None, principal: Principal) -> asyncpg.Record:
    """Citizens see their own dossiers, officers their offices'; anything else looks absent."""
    if row is None:
        raise NotFoundError("dossier-not-found")
    if principal.role is Role.CITIZEN:
        if row["owner_id"] != principal.user_id:
            raise NotFoundError("dossier-not-found")
    elif not principal.serves(row["agency_code"]):
        raise NotFoundError("dossier-not-found")
    return row


async def load(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, *, lock: bool = False
) -> asyncpg.Record:
    sql = queries.GET_DOSSIER_FOR_UPDATE if lock else queries.GET_DOSSIER
    return _visible(await conn.fetchrow(sql, dossier_id), principal)


async def get_dossier(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Dossier:
    return await view(conn, ctx, await load(conn, principal, dossier_id), locale)


async def list_own(
    conn: asyncpg.Connection,
    ctx: AppContext,
    principal: Principal,
    status: Status | None,
    paging: Paging,
    locale: str,
) -> Page[Dossier]:
    rows = await conn.fetch(
        queries.LIST_OWN, principal.user_id, status.value if status else None, paging.limit, paging.offset
    )
    total = rows[0]["total"] if rows else 0
    return Page(items=[await view(conn, ctx, r, locale) for r in rows], total=total)


async def list_for_officer(
    conn: asyncpg.Connection,
    ctx: AppContext,
    officer: Principal,
    *,
    status: Status | None,
    agency: str | None,
    paging: Paging,
    locale: str,
) -> Page[Dossier]:
    if agency is not None:
        if not officer.serves(agency):
            raise DomainError("forbidden", status=403)
        offices = [agency]
    elif officer.role is Role.ADMIN:
        offices = list(ctx.offices.by_code)
    else:
        offices = list(officer.agencies)
    rows = await conn.fetch(
        queries.LIST_FOR_OFFICES, offices, status.value if status else None, paging.limit, paging.offset
    )
    total = rows[0]["total"] if rows else 0
    return Page(items=[await view(conn, ctx, r, locale) for r in rows], total=total)


# ---- creating and editing -------------------------------------------------------------------


def _route(
    ctx: AppContext, procedure: Procedure, stored: StoredApplicant, requested: str | None
) -> tuple[str, bool, list[tuple[str, str, dict[str, Any]]]]:
    """The office that handles the dossier: the one asked for, else the one the address points to."""
    if requested is not None:
        office = ctx.offices.get(requested)
        if office is None or office.kind != procedure.agency:
            return "", False, [("agency", "invalid", {})]
        return office.code, False, []
    office, flagged = ctx.offices.route(procedure.agency, stored.address.ward_code)
    if office is None:
        return "", False, [("procedure", "invalid", {})]
    return office.code, flagged or stored.address.status != "resolved", []


async def create_dossier(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, body: DossierCreate, locale: str
) -> Dossier:
    procedure = ctx.catalog.get(body.procedure)
    if procedure is None:
        raise ValidationError([("procedure", "invalid", {})])
    stored, identity, errors = clean_applicant(body.applicant, today=_today(ctx))
    form, form_errors = validate_form(procedure.form_fields, body.form)
    errors += form_errors + check_delivery(body.delivery)
    agency_code, flagged = "", False
    if stored is not None:
        agency_code, flagged, route_errors = _route(ctx, procedure, stored, body.agency)
        errors += route_errors
    if errors or stored is None:
        raise ValidationError(errors)
    dossier_id = uuid.uuid4()
    now = ctx.clock.now()
    async with conn.transaction():
        await conn.execute(
            queries.INSERT_DOSSIER,
            dossier_id,
            procedure.slug,
            agency_code,
            principal.user_id,
            "online",
            as_json(stored),
            identity,
            form,
            msgspec.to_builtins(body.delivery),
            procedure.fee,
            flagged,
            now,
        )
        await conn.execute(
            queries.INSERT_HISTORY,
            dossier_id,
            None,
            Status.DRAFT.value,
            "create",
            principal.user_id,
            Actor.CITIZEN.value,
            None,
            None,
            {},
            now,
        )
    return await get_dossier(conn, ctx, principal, dossier_id, locale)


async def update_dossier(
    conn: asyncpg.Connection,
    ctx: AppContext,
    principal: Principal,
    dossier_id: uuid.UUID,
    body: DossierUpdate,
    locale: str,
) -> Dossier:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        if Status(row["status"]) not in EDITABLE:
            raise ConflictError("not-editable")
        procedure = _procedure(ctx, row["procedure_slug"])
        errors: list[tuple[str, str, dict[str, Any]]] = []
        applicant_json: dict[str, Any] = row["applicant"]
        identity: str | None = None
        agency_code, flagged = row["agency_code"], row["address_flagged"]
        if body.applicant is not None:
            stored, identity, errors = clean_applicant(body.applicant, today=_today(ctx))
            if stored is not None:
                applicant_json = as_json(stored)
                if row["code"] is None:  # once numbered, the dossier stays with its office
                    agency_code, flagged, route_errors = _route(ctx, procedure, stored, None)
                    errors += route_errors
        form: dict[str, Any] = row["form"]
        if body.form is not None:
            form, form_errors = validate_form(procedure.form_fields, body.form)
            errors += form_errors
        delivery = body.delivery if body.delivery is not None else msgspec.convert(row["delivery"], Delivery)
        errors += check_delivery(delivery)
        if errors:
            raise ValidationError(errors)
        if identity is None:
            identity = await conn.fetchval("SELECT identity_number FROM dossiers WHERE id = $1", dossier_id)
        await conn.execute(
            queries.UPDATE_CONTENT,
            dossier_id,
            applicant_json,
            identity,
            form,
            msgspec.to_builtins(delivery),
            agency_code,
            flagged,
            ctx.clock.now(),
        )
    return await get_dossier(conn, ctx, principal, dossier_id, locale)


# ---- documents ------------------------------------------------------------------------------


async def store_document(
    conn: asyncpg.Connection,
    ctx: AppContext,
    *,
    owner_id: uuid.UUID | None,
    file_name: str,
    content: bytes,
    allowed: tuple[str, ...],
) -> tuple[uuid.UUID, str, str]:
    """Check and keep an uploaded file; returns (document id, sha256, detected content type)."""
    limit = ctx.settings.max_file_bytes
    if len(content) > limit:
        raise DomainError("file-too-large", status=413, limit_mb=limit // (1024 * 1024))
    detected = sniff(content[:64])
    if detected is None or not accepted(detected, allowed):
        raise DomainError("unsupported-file-type", status=415, accepted=", ".join(_short(t) for t in allowed))
    digest = await ctx.files.put(content)
    now = ctx.clock.now()
    document_id = uuid.uuid4()
    await conn.execute(queries.INSERT_FILE, digest, len(content), detected, now)
    await conn.execute(
        queries.INSERT_DOCUMENT,
        document_id,
        owner_id,
        digest,
        _safe_name(file_name, detected),
        detected,
        len(content),
        now,
    )
    return document_id, digest, detected


def _short(content_type: str) -> str:
    return content_type.rsplit("/", maxsplit=1)[-1].upper()


_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/heic": ".heic",
    "image/heif": ".heif",
}


def _safe_name(name: str, content_type: str) -> str:
    """A display name only: the path part dropped, control characters out, the right extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:120]
    ext = _EXTENSIONS.get(content_type, "")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "tai-lieu") + ext


def _requirement(procedure: Procedure, key: str) -> tuple[str, ...]:
    for r in procedure.requirements:
        if r.key == key:
            return r.file_types
    raise ValidationError([("requirement", "unknown-requirement", {})], requirement=key)


async def _lock_editable(conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID) -> asyncpg.Record:
    row = await load(conn, principal, dossier_id, lock=True)
    if Status(row["status"]) not in EDITABLE:
        raise ConflictError("not-editable")
    return row


async def upload_document(
    conn: asyncpg.Connection,
    ctx: AppContext,
    principal: Principal,
    dossier_id: uuid.UUID,
    *,
    requirement: str,
    file_name: str,
    content: bytes,
) -> DocumentOut:
    async with conn.transaction():
        row = await _lock_editable(conn, principal, dossier_id)
        allowed = _requirement(_procedure(ctx, row["procedure_slug"]), requirement)
        used = await conn.fetchval(queries.DOSSIER_BYTES, dossier_id)
        if used + len(content) > ctx.settings.max_dossier_bytes:
            raise DomainError("dossier-too-large", status=413, limit_mb=ctx.settings.max_dossier_bytes // (1024 * 1024))
        owner = principal.user_id if principal.role is Role.CITIZEN else None
        document_id, _, _ = await store_document(
            conn, ctx, owner_id=owner, file_name=file_name, content=content, allowed=allowed
        )
        return await _attach(conn, ctx, dossier_id, requirement, document_id)


async def attach_from_wallet(
    conn: asyncpg.Connection,
    ctx: AppContext,
    principal: Principal,
    dossier_id: uuid.UUID,
    *,
    requirement: str,
    document_id: uuid.UUID,
) -> DocumentOut:
    async with conn.transaction():
        row = await _lock_editable(conn, principal, dossier_id)
        allowed = _requirement(_procedure(ctx, row["procedure_slug"]), requirement)
        document = await conn.fetchrow(queries.GET_DOCUMENT, document_id)
        if document is None or document["owner_id"] != principal.user_id:
            raise NotFoundError("document-not-found")
        if not accepted(document["content_type"], allowed):
            raise DomainError("unsupported-file-type", status=415, accepted=", ".join(_short(t) for t in allowed))
        used = await conn.fetchval(queries.DOSSIER_BYTES, dossier_id)
        if used + document["size"] > ctx.settings.max_dossier_bytes:
            raise DomainError("dossier-too-large", status=413, limit_mb=ctx.settings.max_dossier_bytes // (1024 * 1024))
        return await _attach(conn, ctx, dossier_id, requirement, document_id)


async def _attach(
    conn: asyncpg.Connection, ctx: AppContext, dossier_id: uuid.UUID, requirement: str, document_id: uuid.UUID
) -> DocumentOut:
    attachment_id = uuid.uuid4()
    now = ctx.clock.now()
    await conn.execute(queries.ATTACH_DOCUMENT, attachment_id, dossier_id, requirement, document_id, now)
    await conn.execute("UPDATE dossiers SET updated_at = $2 WHERE id = $1", dossier_id, now)
    return next(d for d in await _attachments(conn, dossier_id) if d.id == attachment_id)


async def delete_document(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, attachment_id: uuid.UUID
) -> None:
    async with conn.transaction():
        await _lock_editable(conn, principal, dossier_id)
        if await conn.fetchval(queries.DELETE_ATTACHMENT, attachment_id, dossier_id) is None:
            raise NotFoundError("document-not-found")


async def wallet(conn: asyncpg.Connection, principal: Principal, paging: Paging) -> Page[WalletDocument]:
    rows = await conn.fetch(queries.LIST_WALLET, principal.user_id, paging.limit, paging.offset)
    items = [
        WalletDocument(
            id=r["id"],
            file_name=r["file_name"],
            content_type=r["content_type"],
            size=r["size"],
            sha256=r["sha256"],
            created_at=r["created_at"],
        )
        for r in rows
    ]
    return Page(items=items, total=rows[0]["total"] if rows else 0)


# ---- moving through the lifecycle -----------------------------------------------------------


@dataclass
class _Move:
    status: Status
    code: str | None
    lookup_key: str | None
    submitted_at: datetime | None
    received_at: datetime | None
    appointment_date: date | None
    resolved_at: datetime | None
    returned_at: datetime | None

    @classmethod
    def of(cls, row: asyncpg.Record) -> _Move:
        return cls(
            status=Status(row["status"]),
            code=row["code"],
            lookup_key=row["lookup_key"],
            submitted_at=row["submitted_at"],
            received_at=row["received_at"],
            appointment_date=row["appointment_date"],
            resolved_at=row["resolved_at"],
            returned_at=row["returned_at"],
        )


def _cutoff(ctx: AppContext) -> time:
    hours, _, minutes = ctx.settings.same_day_cutoff.partition(":")
    return time(int(hours), int(minutes or 0))


async def _record(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row: asyncpg.Record,
    move: _Move,
    *,
    action: Action | str,
    actor: ActorInfo,
    from_status: Status | None,
    note: str | None = None,
    reason: str | None = None,
    missing: list[str] | None = None,
    now: datetime,
) -> None:
    procedure = _procedure(ctx, row["procedure_slug"])
    data: dict[str, Any] = {}
    if reason:
        data["reason"] = reason
    if missing:
        data["missing"] = missing
    if actor.source:
        data["source"] = actor.source
    await conn.execute(
        queries.INSERT_HISTORY,
        row["id"],
        from_status.value if from_status else None,
        move.status.value,
        str(action),
        actor.user_id,
        actor.role.value,
        actor.name,
        note or reason,
        data,
        now,
    )
    names = {r.key: r.names for r in procedure.requirements}
    await ctx.bus.publish(
        conn,
        DossierStatusChanged(
            event_id=uuid.uuid4(),
            occurred_at=now,
            dossier_id=row["id"],
            code=move.code,
            owner_id=row["owner_id"],
            agency_code=row["agency_code"],
            procedure_slug=procedure.slug,
            procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
            from_status=from_status.value if from_status else None,
            to_status=move.status.value,
            action=str(action),
            actor_role=actor.role.value,
            note=note,
            reason=reason,
            missing=missing or [],
            missing_names={
                "vi": [names[k].vi for k in missing or [] if k in names],
                "en": [names[k].en for k in missing or [] if k in names],
            },
            appointment_date=move.appointment_date,
            fee=row["fee"],
        ),
    )


async def _save(conn: asyncpg.Connection, dossier_id: uuid.UUID, move: _Move, now: datetime) -> None:
    await conn.execute(
        queries.UPDATE_MOVE,
        dossier_id,
        move.status.value,
        move.code,
        move.lookup_key,
        move.submitted_at,
        move.received_at,
        move.appointment_date,
        move.resolved_at,
        move.returned_at,
        now,
    )


def _step(status: Status, action: Action, actor: Actor) -> Status:
    try:
        return next_status(status, action, actor)
    except InvalidTransition as exc:
        raise ConflictError(
            "invalid-transition",
            action=action.value,
            current=status.value,
        ) from exc


async def submit(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Receipt:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        status = Status(row["status"])
        move = _Move.of(row)
        move.status = _step(status, Action.SUBMIT, Actor.CITIZEN)
        procedure = _procedure(ctx, row["procedure_slug"])
        present = {d.requirement for d in await _attachments(conn, dossier_id)}
        missing = [r for r in procedure.requirements if r.mandatory and r.key not in present]
        if missing:
            raise DomainError(
                "missing-documents",
                status=422,
                names=", ".join(r.names.pick(locale) for r in missing),
                missing_requirements=[r.key for r in missing],
            )
        now = ctx.clock.now()
        if move.code is None:
            day = now.astimezone(VN_TZ).date()
            number = await conn.fetchval(queries.NEXT_CODE_NUMBER, row["agency_code"], day)
            move.code = dossier_code(row["agency_code"], day, number)
            move.lookup_key = lookup_key()
        move.submitted_at = now
        # provisional until an officer receives it: the clock starts at reception
        move.appointment_date = ctx.calendar.appointment_date(now, procedure.processing_days, cutoff=_cutoff(ctx))
        await _save(conn, dossier_id, move, now)
        await _record(
            conn,
            ctx,
            row,
            move,
            action=Action.SUBMIT,
            actor=ActorInfo.of(principal),
            from_status=status,
            now=now,
        )
    return await receipt(conn, ctx, principal, dossier_id, locale)


async def withdraw(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Dossier:
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        status = Status(row["status"])
        move = _Move.of(row)
        move.status = _step(status, Action.WITHDRAW, Actor.CITIZEN)
        now = ctx.clock.now()
        await _save(conn, dossier_id, move, now)
        await _record(
            conn,
            ctx,
            row,
            move,
            action=Action.WITHDRAW,
            actor=ActorInfo.of(principal),
            from_status=status,
            now=now,
        )
    return await get_dossier(conn, ctx, principal, dossier_id, locale)


def _parse_action(body: OfficerActionIn) -> Action:
    try:
        action = Action(body.action)
    except ValueError:
        action = None
    if action is None or action in {
        Action.SUBMIT,
        Action.WITHDRAW,
        Action.REQUEST_PAYMENT,
        Action.SETTLE_PAYMENT,
    }:
        raise ValidationError([("action", "invalid", {})])
    return action


async def act(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row_id: uuid.UUID,
    body: OfficerActionIn,
    *,
    actor: ActorInfo,
    principal: Principal | None,
) -> None:
    """An officer's (or the one-stop system's) action, in the caller's transaction if any."""
    action = _parse_action(body)
    async with conn.transaction():
        row = await conn.fetchrow(queries.GET_DOSSIER_FOR_UPDATE, row_id)
        if principal is not None:
            row = _visible(row, principal)
        elif row is None:
            raise NotFoundError("dossier-not-found")
        status = Status(row["status"])
        procedure = _procedure(ctx, row["procedure_slug"])
        move = _Move.of(row)
        move.status = _step(status, action, Actor.OFFICER)
        now = ctx.clock.now()
        missing: list[str] | None = None
        reason: str | None = None
        match action:
            case Action.REQUEST_SUPPLEMENT:
                keys = {r.key for r in procedure.requirements}
                missing = list(dict.fromkeys(body.missing or []))
                if not missing:
                    raise ValidationError([("missing", "empty-list", {})])
                unknown = [k for k in missing if k not in keys]
                if unknown:
                    raise ValidationError(
                        [(f"missing[{missing.index(k)}]", "unknown-requirement", {}) for k in unknown]
                    )
            case Action.REJECT:
                reason = (body.reason or "").strip() or None
                if reason is None:
                    raise ValidationError([("reason", "required", {})])
                move.resolved_at = now
            case Action.RECEIVE:
                move.received_at = now
                move.appointment_date = ctx.calendar.appointment_date(
                    now, procedure.processing_days, cutoff=_cutoff(ctx)
                )
            case Action.APPROVE:
                if procedure.result is ResultKind.ELECTRONIC and row["result_document"] is None:
                    raise DomainError("result-required", status=422)
                move.resolved_at = now
            case Action.RETURN:
                move.returned_at = now
            case _:
                pass
        await _save(conn, row_id, move, now)
        await _record(
            conn,
            ctx,
            row,
            move,
            action=action,
            actor=actor,
            from_status=status,
            note=body.note,
            reason=reason,
            missing=missing,
            now=now,
        )
        if (
            action is Action.RECEIVE
            and after_receive(row["fee"], row["paid_at"] is not None) is Status.AWAITING_PAYMENT
        ):
            waiting = replace(move, status=_step(move.status, Action.REQUEST_PAYMENT, Actor.SYSTEM))
            await _save(conn, row_id, waiting, now)
            await _record(
                conn,
                ctx,
                row,
                waiting,
                action=Action.REQUEST_PAYMENT,
                actor=ActorInfo(role=Actor.SYSTEM, user_id=None),
                from_status=move.status,
                now=now,
            )


async def attach_result(
    conn: asyncpg.Connection,
    ctx: AppContext,
    officer: Principal,
    dossier_id: uuid.UUID,
    *,
    file_name: str,
    content: bytes,
) -> DocumentOut:
    async with conn.transaction():
        row = await load(conn, officer, dossier_id, lock=True)
        if Status(row["status"]) is not Status.PROCESSING:
            raise ConflictError("conflict")
        document_id, digest, detected = await store_document(
            conn,
            ctx,
            owner_id=row["owner_id"],
            file_name=file_name,
            content=content,
            allowed=("application/pdf", "image/jpeg", "image/png"),
        )
        now = ctx.clock.now()
        await conn.execute(queries.SET_RESULT, dossier_id, document_id, now)
        document = await conn.fetchrow(queries.GET_DOCUMENT, document_id)
        assert document is not None
    return DocumentOut(
        id=document_id,
        requirement="result",
        document_id=document_id,
        file_name=document["file_name"],
        content_type=detected,
        size=len(content),
        sha256=digest,
        created_at=now,
    )


async def result_file(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID
) -> tuple[bytes, str, str]:
    row = await load(conn, principal, dossier_id)
    if row["result_document"] is None or Status(row["status"]) not in {Status.RESULT_READY, Status.RETURNED}:
        raise NotFoundError("document-not-found")
    document = await conn.fetchrow(queries.GET_DOCUMENT, row["result_document"])
    assert document is not None
    return await ctx.files.get(document["sha256"]), document["content_type"], document["file_name"]


# ---- receipts, history, tracking, rating ----------------------------------------------------


def tracking_url(ctx: AppContext, code: str, key: str) -> str:
    return f"{ctx.settings.public_base_url.rstrip('/')}/t/{code}?key={key}"


async def receipt(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Receipt:
    row = await load(conn, principal, dossier_id)
    if row["code"] is None or row["lookup_key"] is None or row["submitted_at"] is None:
        raise NotFoundError("not-found")
    procedure = _procedure(ctx, row["procedure_slug"])
    names = {r.key: r.names.pick(locale) for r in procedure.requirements}
    return Receipt(
        dossier_id=row["id"],
        code=row["code"],
        status=Status(row["status"]),
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=_agency_ref(ctx, row["agency_code"], locale),
        applicant_name=row["applicant"]["full_name"],
        documents=[
            ReceiptDocument(
                requirement=d.requirement, name=names.get(d.requirement, d.requirement), file_name=d.file_name
            )
            for d in await _attachments(conn, dossier_id)
        ],
        submitted_at=row["submitted_at"],
        appointment_date=row["appointment_date"],
        processing_days=procedure.processing_days,
        fee=row["fee"],
        delivery=msgspec.convert(row["delivery"], Delivery),
        lookup_key=row["lookup_key"],
        tracking_url=tracking_url(ctx, row["code"], row["lookup_key"]),
        qr_png_url=f"/api/v1/dossiers/{row['id']}/receipt.png",
    )


async def history(conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID) -> History:
    await load(conn, principal, dossier_id)
    return History(
        items=[
            HistoryItem(
                from_status=Status(r["from_status"]) if r["from_status"] else None,
                to_status=Status(r["to_status"]),
                action=r["action"],
                actor_role=r["actor_role"],
                actor_name=r["actor_name"] if r["actor_role"] != Actor.CITIZEN.value else None,
                note=r["note"],
                data=r["data"],
                at=r["at"],
            )
            for r in await conn.fetch(queries.LIST_HISTORY, dossier_id)
        ]
    )


async def track(conn: asyncpg.Connection, ctx: AppContext, code: str, key: str | None, locale: str) -> Tracking:
    row = await conn.fetchrow(queries.GET_DOSSIER_BY_CODE, code.strip())
    expected = row["lookup_key"] if row is not None else "-" * 8
    # compare even when the code is unknown, so a wrong key and an unknown code look and time alike
    if not hmac.compare_digest((key or "").strip().upper().encode(), (expected or "").encode()) or row is None:
        raise NotFoundError("dossier-not-found")
    procedure = _procedure(ctx, row["procedure_slug"])
    status = Status(row["status"])
    return Tracking(
        code=row["code"],
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=_agency_ref(ctx, row["agency_code"], locale),
        status=status,
        status_label=status_label(status, locale),
        appointment_date=row["appointment_date"],
        applicant_name=mask_name(row["applicant"]["full_name"]),
        history=[
            TrackHistoryItem(
                status=Status(r["to_status"]), status_label=status_label(r["to_status"], locale), at=r["at"]
            )
            for r in await conn.fetch(queries.LIST_HISTORY, row["id"])
            if r["to_status"] != Status.DRAFT.value
        ],
    )


async def rate(
    conn: asyncpg.Connection, ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, body: RatingIn
) -> Rating:
    if not 1 <= body.score <= 5:
        raise ValidationError([("score", "score-range", {})])
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        if Status(row["status"]) is not Status.RETURNED:
            raise ConflictError("conflict")
        now = ctx.clock.now()
        comment = (body.comment or "").strip() or None
        if await conn.fetchval(queries.INSERT_RATING, dossier_id, body.score, comment, now) is None:
            raise ConflictError("already-rated")
    return Rating(dossier_id=dossier_id, score=body.score, comment=comment, created_at=now)


def vn_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Vietnam time, as aware datetimes."""
    return (
        datetime.combine(start, time.min, VN_TZ),
        datetime.combine(end + timedelta(days=1), time.min, VN_TZ),
    )
