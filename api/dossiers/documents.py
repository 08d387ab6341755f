"""Dossier documents: storing uploads, attaching them, the citizen's wallet and the result file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import asyncpg

from api.catalog.models import Procedure
from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.access import load
from api.dossiers.filetypes import accepted, sniff
from api.dossiers.models import EDITABLE
from api.dossiers.reads import attachments, procedure_of, read_entry
from api.dossiers.rows import DocumentRow, DossierRow, RequirementRow, SeenRow, WalletRow
from api.dossiers.storage import FileStore
from api.dossiers.views import DocumentOut, OriginalSeen, WalletDocument
from core.audit import AuditActor, AuditedRead, AuditEntry, record
from core.auth import Principal, Role
from core.clock import Clock
from core.db import fetch_all_as, fetch_one_as, row_as
from core.dossier_status import DossierStatus
from core.errors import ConflictError, DomainError, NotFoundError, ValidationError
from core.paging import Page, Paging

GET_RESULT_DOCUMENT = AuditedRead(queries.GET_DOCUMENT, 1)


@dataclass(frozen=True)
class Papers:
    """What keeping a dossier's papers uses: the catalog (which papers a procedure asks for, of which
    file types), the file store and its limits, and the clock."""

    catalog: Catalog
    clock: Clock
    files: FileStore
    max_file_bytes: int
    max_dossier_bytes: int


async def store_document(
    conn: asyncpg.Connection,
    papers: Papers,
    *,
    owner_id: uuid.UUID | None,
    file_name: str,
    content: bytes,
    allowed: tuple[str, ...],
) -> tuple[uuid.UUID, str, str]:
    """Check and keep an uploaded file; returns (document id, sha256, detected content type)."""
    limit = papers.max_file_bytes
    if len(content) > limit:
        raise DomainError("file-too-large", status=413, limit_mb=limit // (1024 * 1024))
    detected = sniff(content[:64])
    if detected is None or not accepted(detected, allowed):
        raise DomainError("unsupported-file-type", status=415, accepted=", ".join(_short(t) for t in allowed))
    digest = await papers.files.put(content)
    now = papers.clock.now()
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


async def _lock_editable(conn: asyncpg.Connection, principal: Principal, dossier_id: uuid.UUID) -> DossierRow:
    """Citizens edit their own dossiers; officers only the papers of walk-in dossiers they file."""
    row = await load(conn, principal, dossier_id, lock=True)
    if principal.role is not Role.CITIZEN and not row.at_counter:
        raise NotFoundError("dossier-not-found")
    if row.status not in EDITABLE:
        raise ConflictError("not-editable")
    return row


async def _on_record(
    conn: asyncpg.Connection, clock: Clock, principal: Principal, dossier_id: uuid.UUID, action: str, **detail: str
) -> None:
    """An officer's change to a dossier's papers, on the audit trail in the change's transaction."""
    if principal.role is not Role.CITIZEN:
        await record(conn, AuditEntry(dossier_id, AuditActor.of(principal), action, clock.now(), detail))


async def _refresh_digitized(conn: asyncpg.Connection, catalog: Catalog, row: DossierRow) -> None:
    """Digitized: every mandatory requirement has a stored file (an original only seen does not count)."""
    procedure = procedure_of(catalog, row.procedure_slug)
    present = {r.requirement for r in await fetch_all_as(RequirementRow, conn, queries.ATTACHED_REQUIREMENTS, row.id)}
    digitized = all(r.key in present for r in procedure.requirements if r.mandatory)
    await conn.execute(queries.SET_DIGITIZED, row.id, digitized)


async def _check_room(conn: asyncpg.Connection, papers: Papers, dossier_id: uuid.UUID, adding: int) -> None:
    """A dossier's papers together stay within MOTCUA_MAX_DOSSIER_BYTES."""
    used = await conn.fetchval(queries.DOSSIER_BYTES, dossier_id)
    if used + adding > papers.max_dossier_bytes:
        raise DomainError("dossier-too-large", status=413, limit_mb=papers.max_dossier_bytes // (1024 * 1024))


async def record_original_seen(
    conn: asyncpg.Connection, papers: Papers, officer: Principal, dossier_id: uuid.UUID, *, requirement: str
) -> OriginalSeen:
    """A paper the officer checked in the original at the counter without scanning it."""
    async with conn.transaction():
        row = await _lock_editable(conn, officer, dossier_id)
        _requirement(procedure_of(papers.catalog, row.procedure_slug), requirement)
        found = await fetch_one_as(
            SeenRow, conn, queries.INSERT_ORIGINAL_SEEN, dossier_id, requirement, officer.user_id, papers.clock.now()
        )
        assert found is not None
        await _on_record(conn, papers.clock, officer, dossier_id, "original_seen", requirement=requirement)
    return OriginalSeen(requirement=found.requirement, original_seen=True, created_at=found.created_at)


async def upload_document(
    conn: asyncpg.Connection,
    papers: Papers,
    principal: Principal,
    dossier_id: uuid.UUID,
    *,
    requirement: str,
    file_name: str,
    content: bytes,
) -> DocumentOut:
    async with conn.transaction():
        row = await _lock_editable(conn, principal, dossier_id)
        allowed = _requirement(procedure_of(papers.catalog, row.procedure_slug), requirement)
        await _check_room(conn, papers, dossier_id, len(content))
        owner = principal.user_id if principal.role is Role.CITIZEN else None
        document_id, _, _ = await store_document(
            conn, papers, owner_id=owner, file_name=file_name, content=content, allowed=allowed
        )
        await _on_record(
            conn,
            papers.clock,
            principal,
            dossier_id,
            "add_document",
            requirement=requirement,
            document_id=str(document_id),
        )
        return await _attach(conn, papers, row, requirement, document_id)


async def attach_from_wallet(
    conn: asyncpg.Connection,
    papers: Papers,
    principal: Principal,
    dossier_id: uuid.UUID,
    *,
    requirement: str,
    document_id: uuid.UUID,
) -> DocumentOut:
    async with conn.transaction():
        row = await _lock_editable(conn, principal, dossier_id)
        allowed = _requirement(procedure_of(papers.catalog, row.procedure_slug), requirement)
        document = await fetch_one_as(DocumentRow, conn, queries.GET_DOCUMENT, document_id)
        if document is None or document.owner_id != principal.user_id:
            raise NotFoundError("document-not-found")
        if not accepted(document.content_type, allowed):
            raise DomainError("unsupported-file-type", status=415, accepted=", ".join(_short(t) for t in allowed))
        await _check_room(conn, papers, dossier_id, document.size)
        return await _attach(conn, papers, row, requirement, document_id)


async def _attach(
    conn: asyncpg.Connection, papers: Papers, row: DossierRow, requirement: str, document_id: uuid.UUID
) -> DocumentOut:
    attachment_id = uuid.uuid4()
    now = papers.clock.now()
    await conn.execute(queries.ATTACH_DOCUMENT, attachment_id, row.id, requirement, document_id, now)
    await conn.execute(queries.TOUCH_DOSSIER, row.id, now)
    await _refresh_digitized(conn, papers.catalog, row)
    return next(d for d in await attachments(conn, row.id) if d.id == attachment_id)


async def delete_document(
    conn: asyncpg.Connection, catalog: Catalog, principal: Principal, dossier_id: uuid.UUID, attachment_id: uuid.UUID
) -> None:
    async with conn.transaction():
        row = await _lock_editable(conn, principal, dossier_id)
        if await conn.fetchval(queries.DELETE_ATTACHMENT, attachment_id, dossier_id) is None:
            raise NotFoundError("document-not-found")
        await _refresh_digitized(conn, catalog, row)


async def wallet(conn: asyncpg.Connection, principal: Principal, paging: Paging) -> Page[WalletDocument]:
    rows = await fetch_all_as(WalletRow, conn, queries.LIST_WALLET, principal.user_id, paging.limit, paging.offset)
    items = [
        WalletDocument(
            id=r.id,
            file_name=r.file_name,
            content_type=r.content_type,
            size=r.size,
            sha256=r.sha256,
            created_at=r.created_at,
        )
        for r in rows
    ]
    return Page(items=items, total=rows[0].total if rows else 0)


async def attach_result(
    conn: asyncpg.Connection,
    papers: Papers,
    officer: Principal,
    dossier_id: uuid.UUID,
    *,
    file_name: str,
    content: bytes,
) -> DocumentOut:
    async with conn.transaction():
        row = await load(conn, officer, dossier_id, lock=True)
        if row.status is not DossierStatus.PROCESSING:
            raise ConflictError("conflict")
        document_id, digest, detected = await store_document(
            conn,
            papers,
            owner_id=row.owner_id,
            file_name=file_name,
            content=content,
            allowed=("application/pdf", "image/jpeg", "image/png"),
        )
        now = papers.clock.now()
        await conn.execute(queries.SET_RESULT, dossier_id, document_id, now)
        await _on_record(conn, papers.clock, officer, dossier_id, "attach_result", document_id=str(document_id))
        document = await fetch_one_as(DocumentRow, conn, queries.GET_DOCUMENT, document_id)
        assert document is not None
    return DocumentOut(
        id=document_id,
        requirement="result",
        document_id=document_id,
        file_name=document.file_name,
        content_type=detected,
        size=len(content),
        sha256=digest,
        created_at=now,
    )


async def result_file(
    conn: asyncpg.Connection, papers: Papers, principal: Principal, dossier_id: uuid.UUID
) -> tuple[bytes, str, str]:
    row = await load(conn, principal, dossier_id)
    if row.result_document is None or row.status not in {
        DossierStatus.RESULT_READY,
        DossierStatus.RETURNED,
    }:
        raise NotFoundError("document-not-found")
    audit = read_entry(
        papers.clock, principal, dossier_id, "download", of="result", document_id=str(row.result_document)
    )
    found = await GET_RESULT_DOCUMENT.fetchrow(conn, row.result_document, entry=audit)
    assert found is not None
    document = row_as(DocumentRow, found)
    return await papers.files.get(document.sha256), document.content_type, document.file_name
