"""Results signed by their office before a citizen sees them. When signing is configured (MOTCUA_SIGNING_P12,
or the development CA under the data directory outside production), approving a dossier with an
electronic result signs that result PAdES in the same transaction: a photographed result is first set on
an A4 page. The signed file becomes the result; `signed_results` says who signed it, when, and its hash."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from api.agencies.service import OfficeDirectory
from api.dossiers import queries
from api.dossiers.documents import Papers, store_document
from api.dossiers.rows import DocumentRow, DossierRow
from api.dossiers.signing_keys import ResultSigning, verification_url
from core.db import fetch_one_as

REASON = "Kết quả giải quyết thủ tục hành chính"
log = logging.getLogger("motcua.dossiers")


def _sign(
    signing: ResultSigning, office_code: str, office_name: str, pdf: bytes, url: str, now: datetime
) -> tuple[bytes, str]:
    from documents.signing import SigningKey, sign_result

    p12, password = signing.key_for(office_code, office_name)
    signed = sign_result(pdf, SigningKey(p12=p12, password=password), verify_url=url, reason=REASON, now=now)
    return signed.pdf, signed.signed_by


ENVELOPE_TITLE = "Kết quả giải quyết hồ sơ"


def _envelope(original: bytes, document: DocumentRow, row: DossierRow, office: str, now: datetime) -> bytes:
    from documents.paper import envelope

    lines = [
        ("Mã hồ sơ:", row.code or ""),
        ("Cơ quan:", office),
        ("Tệp kết quả đính kèm:", document.file_name),
        ("SHA-256 của tệp:", document.sha256),
    ]
    return envelope(original, file_name=document.file_name, lines=lines, title=ENVELOPE_TITLE, created=now)


@dataclass(frozen=True)
class ResultSigner:
    """What signing a result on approval uses: the offices' keys (None: signing is not configured), the
    office's name, where the papers are kept, and the public address a result is verified at."""

    signing: ResultSigning | None
    offices: OfficeDirectory
    papers: Papers
    public_base_url: str


async def sign_on_approval(conn: asyncpg.Connection, signer: ResultSigner, row: DossierRow, now: datetime) -> None:
    """Sign the result of a dossier being approved, inside the caller's transaction."""
    signing = signer.signing
    if signing is None or row.result_document is None or row.code is None or row.lookup_key is None:
        return
    document = await fetch_one_as(DocumentRow, conn, queries.GET_DOCUMENT, row.result_document)
    assert document is not None
    original = content = await signer.papers.files.get(document.sha256)
    if document.content_type != "application/pdf":
        from documents.paper import image_as_pdf

        try:
            content = await asyncio.to_thread(image_as_pdf, content, title=row.code)
        except Exception:  # an image fpdf cannot read: the envelope below carries it
            content = b""
    known = signer.offices.get(row.agency_code)
    office = known.names.pick("vi") if known is not None else row.agency_code
    url = verification_url(signer.public_base_url, row.code, row.lookup_key)
    try:
        pdf, signed_by = await asyncio.to_thread(_sign, signing, row.agency_code, office, content, url, now)
    except Exception as exc:  # pyHanko and fpdf raise many kinds on a file they cannot read
        log.info("the result of dossier %s is signed in an envelope: %r", row.id, exc)
        wrapped = await asyncio.to_thread(_envelope, original, document, row, office, now)
        pdf, signed_by = await asyncio.to_thread(_sign, signing, row.agency_code, office, wrapped, url, now)
    document_id, digest, _ = await store_document(
        conn,
        signer.papers,
        owner_id=row.owner_id,
        file_name=f"ket-qua-{row.code}.pdf",
        content=pdf,
        allowed=("application/pdf",),
    )
    await conn.execute(queries.SET_RESULT, row.id, document_id, now)
    await conn.execute(queries.RECORD_SIGNED_RESULT, row.id, document_id, digest, signed_by, now)
