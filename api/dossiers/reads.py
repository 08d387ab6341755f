"""Reading dossiers: the Dossier view the API returns, its papers, lists and audit trail. Who may read
which dossier is access.py's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg
import msgspec

from api.agencies.service import OfficeDirectory
from api.catalog.models import Procedure
from api.catalog.service import Catalog
from api.catalog.views import AgencyRef
from api.dossiers import queries, queue
from api.dossiers.access import load
from api.dossiers.applicants import StoredApplicant
from api.dossiers.models import Delivery, Overdue, missed_deadline
from api.dossiers.rows import AttachmentRow, AuditRow, DossierRow, ListedDossierRow, OriginalSeenRow
from api.dossiers.views import (
    AddressOut,
    ApplicantOut,
    AuditActorOut,
    AuditItem,
    DocumentOut,
    Dossier,
    Ref,
)
from core.audit import AuditActor, AuditedRead, AuditEntry, record, trail
from core.auth import Principal, Role
from core.clock import Clock, today_in_vn
from core.db import fetch_all_as, row_as
from core.dossier_status import DossierStatus
from core.errors import DomainError, NotFoundError
from core.paging import Page, Paging
from i18n.messages import status_label

LIST_ATTACHMENTS = AuditedRead(queries.LIST_ATTACHMENTS, 1)


@dataclass(frozen=True)
class Showing:
    """What showing a dossier reads besides its rows: its procedure in the catalog, its office's name,
    the clock (is it overdue? the audit trail's time of a read) and the public address its tracking link
    starts with."""

    catalog: Catalog
    offices: OfficeDirectory
    clock: Clock
    public_base_url: str


def procedure_of(catalog: Catalog, slug: str) -> Procedure:
    procedure = catalog.get(slug)
    if procedure is None:  # the catalog only grows; a dossier's procedure is always there
        raise NotFoundError("procedure-not-found", slug=slug)
    return procedure


def read_entry(
    clock: Clock, principal: Principal, dossier_id: uuid.UUID, action: str = "view", **detail: str
) -> AuditEntry | None:
    """What the audit trail keeps of a read: officers' and admins' reads; a citizen reading their own, nothing."""
    if principal.role is Role.CITIZEN:
        return None
    return AuditEntry(dossier_id, AuditActor.of(principal), action, clock.now(), detail or None)


async def attachments_of(
    conn: asyncpg.Connection, dossier_ids: list[uuid.UUID], audit: AuditEntry | None = None
) -> dict[uuid.UUID, list[DocumentOut]]:
    """The papers of several dossiers in one query (a list page is one round trip, not one per row); with
    `audit`, the same statement records the read."""
    found: dict[uuid.UUID, list[DocumentOut]] = {i: [] for i in dossier_ids}
    for record_ in await LIST_ATTACHMENTS.fetch(conn, dossier_ids, entry=audit):
        r = row_as(AttachmentRow, record_)
        found[r.dossier_id].append(
            DocumentOut(
                id=r.id,
                requirement=r.requirement,
                document_id=r.document_id,
                file_name=r.file_name,
                content_type=r.content_type,
                size=r.size,
                sha256=r.sha256,
                created_at=r.created_at,
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
    for r in await fetch_all_as(OriginalSeenRow, conn, queries.LIST_ORIGINALS_SEEN, dossier_ids):
        found[r.dossier_id].append(r.requirement)
    return found


def overdue_of(clock: Clock, row: DossierRow) -> Overdue | None:
    return missed_deadline(
        row.status,
        reception_due_at=row.reception_due_at,
        received_at=row.received_at,
        appointment_date=row.appointment_date,
        now=clock.now(),
        today=today_in_vn(clock),
    )


def agency_ref(offices: OfficeDirectory, code: str, locale: str) -> AgencyRef:
    office = offices.get(code)
    return AgencyRef(code=code, name=office.names.pick(locale) if office else code)


def _applicant_out(row: DossierRow) -> ApplicantOut:
    stored = msgspec.convert(row.applicant, StoredApplicant)
    address = stored.address
    return ApplicantOut(
        full_name=stored.full_name,
        identity_number_masked=stored.identity_number_masked,
        date_of_birth=stored.date_of_birth,
        phone=stored.phone,
        email=stored.email,
        address=AddressOut(
            raw=address.raw, normalized=address.normalized, province=address.province, ward=address.ward
        ),
    )


async def view(
    conn: asyncpg.Connection,
    showing: Showing,
    row: DossierRow,
    locale: str,
    papers: tuple[list[DocumentOut], list[str]] | None = None,
    audit: AuditEntry | None = None,
) -> Dossier:
    """The dossier as the API shows it; `papers`: its documents and originals seen, when the caller read
    them already (a list page reads every row's in one query); `audit`: the read on the audit trail."""
    procedure = procedure_of(showing.catalog, row.procedure_slug)
    if papers is None:
        papers = await attachments(conn, row.id, audit), (await originals_seen_of(conn, [row.id]))[row.id]
    elif audit is not None:
        await record(conn, audit)
    documents, originals = papers
    return Dossier(
        id=row.id,
        code=row.code,
        status=row.status,
        status_label=status_label(row.status, locale),
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=agency_ref(showing.offices, row.agency_code, locale),
        channel=row.channel,
        applicant=_applicant_out(row),
        form=row.form,
        delivery=msgspec.convert(row.delivery, Delivery),
        fee=row.fee,
        paid=row.paid_at is not None,
        documents=documents,
        originals_seen=originals,
        digitized=row.digitized,
        has_result=row.result_document is not None,
        address_flagged=row.address_flagged,
        submitted_at=row.submitted_at,
        received_at=row.received_at,
        appointment_date=row.appointment_date,
        reception_due_at=row.reception_due_at if row.status is DossierStatus.SUBMITTED else None,
        overdue=overdue_of(showing.clock, row),
        lookup_key=row.lookup_key,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _page(conn: asyncpg.Connection, showing: Showing, rows: list[ListedDossierRow], locale: str) -> Page[Dossier]:
    ids = [r.id for r in rows]
    papers, originals = await attachments_of(conn, ids), await originals_seen_of(conn, ids)
    items = [await view(conn, showing, r, locale, (papers[r.id], originals[r.id])) for r in rows]
    return Page(items=items, total=rows[0].total if rows else 0)


async def get_dossier(
    conn: asyncpg.Connection,
    showing: Showing,
    principal: Principal,
    dossier_id: uuid.UUID,
    locale: str,
    *,
    on_record: bool = True,
) -> Dossier:
    """The dossier as `principal` may see it; an officer's read goes on the audit trail unless it is the
    answer to an action the trail already holds (`on_record=False`)."""
    row = await load(conn, principal, dossier_id)
    audit = read_entry(showing.clock, principal, dossier_id) if on_record else None
    return await view(conn, showing, row, locale, audit=audit)


async def audit_trail(
    conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID, paging: Paging
) -> Page[AuditItem]:
    await load(conn, principal, dossier_id)
    records, total = await trail(conn, dossier_id, limit=paging.limit, offset=paging.offset)
    rows = [row_as(AuditRow, r) for r in records]
    items = [
        AuditItem(at=r.at, actor=AuditActorOut(id=r.actor_id, role=r.actor_role), action=r.action, detail=r.detail)
        for r in rows
    ]
    return Page(items=items, total=total)


async def list_own(
    conn: asyncpg.Connection,
    showing: Showing,
    principal: Principal,
    status: DossierStatus | None,
    paging: Paging,
    locale: str,
) -> Page[Dossier]:
    rows = await fetch_all_as(
        ListedDossierRow,
        conn,
        queries.LIST_OWN,
        principal.user_id,
        status.value if status else None,
        paging.limit,
        paging.offset,
    )
    return await _page(conn, showing, rows, locale)


def _offices(offices: OfficeDirectory, officer: Principal, agency: str | None) -> list[str]:
    """The offices an officer's list covers: the one asked for (if theirs), else all of theirs."""
    if agency is not None:
        if not officer.serves(agency):
            raise DomainError("forbidden", status=403)
        return [agency]
    if officer.role is Role.ADMIN:
        return list(offices.by_code)
    return list(officer.agencies)


async def list_for_officer(
    conn: asyncpg.Connection,
    showing: Showing,
    officer: Principal,
    *,
    status: DossierStatus | None,
    agency: str | None,
    paging: Paging,
    locale: str,
    overdue: Overdue | None = None,
) -> Page[Dossier]:
    records, total = await queue.page_of(
        conn,
        _offices(showing.offices, officer, agency),
        status=status,
        overdue=overdue,
        limit=paging.limit,
        offset=paging.offset,
        now=showing.clock.now(),
        today=today_in_vn(showing.clock),
    )
    items = [await view(conn, showing, row_as(DossierRow, r), locale, queue.papers_of(r)) for r in records]
    return Page(items=items, total=total)
