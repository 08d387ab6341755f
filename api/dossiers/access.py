"""Reading dossiers: who may see which, and the Dossier view the API returns."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg
import msgspec

from api.catalog.models import Procedure
from api.context import AppContext
from api.dossiers import queries
from api.dossiers.applicants import StoredApplicant
from api.dossiers.models import Delivery, Overdue, Status, missed_deadline
from api.dossiers.views import (
    AddressOut,
    AgencyRef,
    ApplicantOut,
    AuditActorOut,
    AuditItem,
    DocumentOut,
    Dossier,
    Ref,
)
from api.pages import Page, Paging
from core.audit import AuditActor, AuditedRead, AuditEntry, record, trail
from core.auth import Principal, Role
from core.clock import VN_TZ
from core.errors import DomainError, NotFoundError
from i18n.messages import status_label

LIST_ATTACHMENTS = AuditedRead(queries.LIST_ATTACHMENTS, 1)


def procedure_of(ctx: AppContext, slug: str) -> Procedure:
    procedure = ctx.catalog.get(slug)
    if procedure is None:  # the catalog only grows; a dossier's procedure is always there
        raise NotFoundError("procedure-not-found", slug=slug)
    return procedure


def today_in_vn(ctx: AppContext) -> date:
    return ctx.clock.now().astimezone(VN_TZ).date()


def read_entry(
    ctx: AppContext, principal: Principal, dossier_id: uuid.UUID, action: str = "view", **detail: Any
) -> AuditEntry | None:
    """What the audit trail keeps of a read: officers' and admins' reads; a citizen reading their own, nothing."""
    if principal.role is Role.CITIZEN:
        return None
    return AuditEntry(dossier_id, AuditActor.of(principal), action, ctx.clock.now(), detail or None)


async def attachments_of(
    conn: asyncpg.Connection, dossier_ids: list[uuid.UUID], audit: AuditEntry | None = None
) -> dict[uuid.UUID, list[DocumentOut]]:
    """The papers of several dossiers in one query (a list page is one round trip, not one per row); with
    `audit`, the same statement records the read."""
    found: dict[uuid.UUID, list[DocumentOut]] = {i: [] for i in dossier_ids}
    for r in await LIST_ATTACHMENTS.fetch(conn, dossier_ids, entry=audit):
        found[r["dossier_id"]].append(
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
        )
    return found


async def attachments(
    conn: asyncpg.Connection, dossier_id: uuid.UUID, audit: AuditEntry | None = None
) -> list[DocumentOut]:
    return (await attachments_of(conn, [dossier_id], audit))[dossier_id]


async def originals_seen_of(conn: asyncpg.Connection, dossier_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The requirements seen in the original at the counter, without a scan, per dossier."""
    found: dict[uuid.UUID, list[str]] = {i: [] for i in dossier_ids}
    for r in await conn.fetch(queries.LIST_ORIGINALS_SEEN, dossier_ids):
        found[r["dossier_id"]].append(r["requirement"])
    return found


def overdue_of(ctx: AppContext, row: asyncpg.Record) -> Overdue | None:
    return missed_deadline(
        Status(row["status"]),
        reception_due_at=row["reception_due_at"],
        received_at=row["received_at"],
        appointment_date=row["appointment_date"],
        now=ctx.clock.now(),
        today=today_in_vn(ctx),
    )


def agency_ref(ctx: AppContext, code: str, locale: str) -> AgencyRef:
    office = ctx.offices.get(code)
    return AgencyRef(code=code, name=office.names.pick(locale) if office else code)


async def view(
    conn: asyncpg.Connection,
    ctx: AppContext,
    row: asyncpg.Record,
    locale: str,
    documents: list[DocumentOut] | None = None,
    originals: list[str] | None = None,
    audit: AuditEntry | None = None,
) -> Dossier:
    procedure = procedure_of(ctx, row["procedure_slug"])
    if documents is None:
        documents = await attachments(conn, row["id"], audit)
    elif audit is not None:
        await record(conn, audit)
    if originals is None:
        originals = (await originals_seen_of(conn, [row["id"]]))[row["id"]]
    stored = msgspec.convert(row["applicant"], StoredApplicant)
    status = Status(row["status"])
    return Dossier(
        id=row["id"],
        code=row["code"],
        status=status,
        status_label=status_label(status, locale),
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=agency_ref(ctx, row["agency_code"], locale),
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
        originals_seen=originals,
        digitized=row["digitized"],
        has_result=row["result_document"] is not None,
        address_flagged=row["address_flagged"],
        submitted_at=row["submitted_at"],
        received_at=row["received_at"],
        appointment_date=row["appointment_date"],
        reception_due_at=row["reception_due_at"] if status is Status.SUBMITTED else None,
        overdue=overdue_of(ctx, row),
        lookup_key=row["lookup_key"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def _views(conn: asyncpg.Connection, ctx: AppContext, rows: list[asyncpg.Record], locale: str) -> list[Dossier]:
    ids = [r["id"] for r in rows]
    papers, originals = await attachments_of(conn, ids), await originals_seen_of(conn, ids)
    return [await view(conn, ctx, r, locale, papers[r["id"]], originals[r["id"]]) for r in rows]


def reached_the_office(row: asyncpg.Record) -> bool:
    """An online dossier reaches its office when the citizen submits it: before, a draft (or a draft
    withdrawn) is the citizen's alone. A walk-in dossier is the office's work from the start.
    queries.REACHED_THE_OFFICE says the same in SQL."""
    return row["channel"] == "counter" or row["submitted_at"] is not None


def officer_of_dossier(row: asyncpg.Record, principal: Principal) -> bool:
    """An officer of the dossier's office (or an admin), once the dossier has reached the office."""
    return principal.role is not Role.CITIZEN and principal.serves(row["agency_code"]) and reached_the_office(row)


def visible_to(row: asyncpg.Record | None, principal: Principal) -> asyncpg.Record:
    """Citizens see their own dossiers, officers their offices' once submitted; anything else looks
    absent (404, the answer for a dossier that does not exist)."""
    if row is None:
        raise NotFoundError("dossier-not-found")
    if principal.role is Role.CITIZEN:
        if row["owner_id"] != principal.user_id:
            raise NotFoundError("dossier-not-found")
    elif not officer_of_dossier(row, principal):
        raise NotFoundError("dossier-not-found")
    return row


async def load(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, *, lock: bool = False
) -> asyncpg.Record:
    sql = queries.GET_DOSSIER_FOR_UPDATE if lock else queries.GET_DOSSIER
    return visible_to(await conn.fetchrow(sql, dossier_id), principal)


async def get_dossier(
    conn: asyncpg.Connection,
    ctx: AppContext,
    principal: Principal,
    dossier_id: uuid.UUID,
    locale: str,
    *,
    on_record: bool = True,
) -> Dossier:
    """The dossier as `principal` may see it; an officer's read goes on the audit trail unless it is the
    answer to an action the trail already holds (`on_record=False`)."""
    row = await load(conn, principal, dossier_id)
    audit = read_entry(ctx, principal, dossier_id) if on_record else None
    return await view(conn, ctx, row, locale, audit=audit)


async def audit_trail(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, paging: Paging
) -> Page[AuditItem]:
    await load(conn, principal, dossier_id)
    rows, total = await trail(conn, dossier_id, limit=paging.limit, offset=paging.offset)
    items = [
        AuditItem(
            at=r["at"],
            actor=AuditActorOut(id=r["actor_id"], role=r["actor_role"]),
            action=r["action"],
            detail=r["detail"],
        )
        for r in rows
    ]
    return Page(items=items, total=total)


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
    return Page(items=await _views(conn, ctx, rows, locale), total=total)


async def list_for_officer(
    conn: asyncpg.Connection,
    ctx: AppContext,
    officer: Principal,
    *,
    status: Status | None,
    agency: str | None,
    paging: Paging,
    locale: str,
    overdue: Overdue | None = None,
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
        queries.LIST_FOR_OFFICES,
        offices,
        status.value if status else None,
        paging.limit,
        paging.offset,
        overdue,
        ctx.clock.now(),
        today_in_vn(ctx),
    )
    total = rows[0]["total"] if rows else 0
    return Page(items=await _views(conn, ctx, rows, locale), total=total)
