"""The receipt slip as a paper (documents/slip.py): what the receipt route says, set on an A4 page with
the applicant's address and phone and the papers whose originals an officer saw."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from api.dossiers import queries
from api.dossiers.access import load
from api.dossiers.reads import Showing
from api.dossiers.receipts import receipt_of
from api.dossiers.rows import OriginalSeenRow
from core.auth import Principal
from core.db import fetch_all_as
from i18n.format import language
from i18n.messages import Text

ORIGINAL = Text("Bản chính (đã đối chiếu)")
ELECTRONIC = Text("Bản điện tử")


def _address(applicant: dict[str, object]) -> str:
    address = applicant.get("address")
    if isinstance(address, dict):
        return str(address.get("normalized") or address.get("raw") or "")
    return str(address or "")


async def receipt_slip_pdf(
    conn: asyncpg.Connection, showing: Showing, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> bytes:
    from documents.slip import PaperReceived, ReceiptSlip, render_slip  # fpdf loads on the first paper asked

    row = await load(conn, principal, dossier_id)
    found = await receipt_of(conn, showing, principal, row, locale)
    seen = {r.requirement for r in await fetch_all_as(OriginalSeenRow, conn, queries.LIST_ORIGINALS_SEEN, [dossier_id])}
    lang = language(locale)
    slip = ReceiptSlip(
        office=found.agency.name,
        place="",
        code=found.code,
        applicant_name=found.applicant_name,
        applicant_address=_address(row.applicant),
        applicant_phone=str(row.applicant.get("phone") or ""),
        procedure=found.procedure.name,
        papers=tuple(
            PaperReceived(
                name=d.name,
                form=(ORIGINAL if d.requirement in seen else ELECTRONIC).pick(lang),
                original_seen=d.requirement in seen,
            )
            for d in found.documents
        ),
        processing_days=found.processing_days,
        received_at=row.received_at or found.submitted_at,
        appointment_date=found.appointment_date,
        delivery=found.delivery.method.value,
        fee=found.fee,
        lookup_key=found.lookup_key,
        tracking_url=found.tracking_url,
    )
    # setting a page costs tens of milliseconds of CPU: not on the event loop
    return await asyncio.to_thread(render_slip, slip, locale)
