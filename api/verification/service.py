"""What a result's verification says: the dossier it belongs to and who signed it (by code and key),
or whether an uploaded file is a result as an office signed it here, unaltered."""

from __future__ import annotations

import asyncio
from datetime import datetime

import asyncpg
import msgspec

from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.reads import procedure_of
from api.dossiers.receipts import key_matches
from api.dossiers.signing_keys import ResultSigning
from api.dossiers.views import Ref
from core.dossier_status import DossierStatus
from core.errors import NotFoundError


class ResultVerification(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    procedure: Ref
    status: DossierStatus
    signed_by: str | None
    signed_at: datetime | None
    sha256: str | None


class FileVerification(msgspec.Struct, frozen=True, kw_only=True):
    valid: bool
    reason: str | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    dossier_code: str | None = None
    issued_here: bool = False


async def by_code(
    conn: asyncpg.Connection, catalog: Catalog, code: str, key: str | None, locale: str
) -> ResultVerification:
    """A wrong key is the same 404 as an unknown code."""
    row = await conn.fetchrow(queries.SIGNED_RESULT_BY_CODE, code.strip().upper())
    if row is None or not key_matches(row["lookup_key"], [key or ""]):
        raise NotFoundError("not-found")
    procedure = procedure_of(catalog, row["procedure_slug"])
    return ResultVerification(
        code=row["code"],
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        status=DossierStatus(row["status"]),
        signed_by=row["signed_by"],
        signed_at=row["signed_at"],
        sha256=row["sha256"],
    )


async def by_file(conn: asyncpg.Connection, signing: ResultSigning | None, content: bytes) -> FileVerification:
    from documents.verification import trust_roots, verify_pdf  # pyHanko loads with the first check

    roots = trust_roots(signing.roots()) if signing is not None else []
    verdict = await asyncio.to_thread(verify_pdf, content, roots)
    issued = await conn.fetchrow(queries.SIGNED_RESULT_BY_HASH, verdict.sha256)
    if not verdict.valid:
        return FileVerification(valid=False, reason=verdict.reason, signed_by=verdict.signed_by)
    return FileVerification(
        valid=True,
        signed_by=verdict.signed_by,
        signed_at=issued["signed_at"] if issued else verdict.signed_at,
        dossier_code=issued["code"] if issued else None,
        issued_here=issued is not None,
    )
