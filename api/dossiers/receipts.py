"""What a submitted dossier shows: its receipt, history, public tracking and rating; Vietnam day bounds."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import asyncpg
import msgspec

from api.dossiers import queries
from api.dossiers.access import load
from api.dossiers.identity import mask_name
from api.dossiers.models import Actor, Delivery, RatingIn
from api.dossiers.reads import Showing, agency_ref, attachments, procedure_of, read_entry
from api.dossiers.rows import DossierRow, HistoryRow
from api.dossiers.views import (
    History,
    HistoryItem,
    Rating,
    Receipt,
    ReceiptDocument,
    Ref,
    TrackHistoryItem,
    Tracking,
)
from core.audit import AuditedRead
from core.auth import Principal
from core.clock import VN_TZ, Clock
from core.db import fetch_all_as, fetch_one_as, row_as
from core.dossier_status import DossierStatus
from core.errors import ConflictError, NotFoundError, ValidationError
from i18n.messages import status_label


def tracking_url(public_base_url: str, code: str, key: str) -> str:
    return f"{public_base_url.rstrip('/')}/t/{code}?key={key}"


async def receipt(
    conn: asyncpg.Connection, showing: Showing, principal: Principal, dossier_id: uuid.UUID, locale: str
) -> Receipt:
    return await receipt_of(conn, showing, principal, await load(conn, principal, dossier_id), locale)


async def receipt_of(
    conn: asyncpg.Connection, showing: Showing, principal: Principal, row: DossierRow, locale: str
) -> Receipt:
    """The receipt of a dossier the caller has loaded (and so may see)."""
    dossier_id = row.id
    if row.code is None or row.lookup_key is None or row.submitted_at is None:
        raise NotFoundError("not-found")
    procedure = procedure_of(showing.catalog, row.procedure_slug)
    papers = await attachments(conn, dossier_id, read_entry(showing.clock, principal, dossier_id, of="receipt"))
    names = {r.key: r.names.pick(locale) for r in procedure.requirements}
    return Receipt(
        dossier_id=row.id,
        code=row.code,
        status=row.status,
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=agency_ref(showing.offices, row.agency_code, locale),
        applicant_name=row.applicant_name,
        documents=[
            ReceiptDocument(
                requirement=d.requirement, name=names.get(d.requirement, d.requirement), file_name=d.file_name
            )
            for d in papers
        ],
        submitted_at=row.submitted_at,
        appointment_date=row.appointment_date,
        processing_days=procedure.processing_days,
        fee=row.fee,
        delivery=msgspec.convert(row.delivery, Delivery),
        lookup_key=row.lookup_key,
        tracking_url=tracking_url(showing.public_base_url, row.code, row.lookup_key),
        qr_png_url=f"/api/v1/dossiers/{row.id}/receipt.png",
    )


LIST_HISTORY = AuditedRead(queries.LIST_HISTORY, 1)


async def history(conn: asyncpg.Connection, clock: Clock, principal: Principal, dossier_id: uuid.UUID) -> History:
    await load(conn, principal, dossier_id)
    records = await LIST_HISTORY.fetch(conn, dossier_id, entry=read_entry(clock, principal, dossier_id, of="history"))
    rows = [row_as(HistoryRow, r) for r in records]
    return History(
        items=[
            HistoryItem(
                from_status=r.from_status,
                to_status=r.to_status,
                action=r.action,
                actor_role=r.actor_role,
                actor_name=r.actor_name if r.actor_role != Actor.CITIZEN.value else None,
                note=r.note,
                data=r.data,
                at=r.at,
            )
            for r in rows
        ]
    )


def key_matches(stored: str | None, keys: Sequence[str]) -> bool:
    """Whether one of `keys` is the dossier's lookup key `stored`; every key is compared in constant time,
    and as long for a missing row or key, so neither the answer nor its timing tells an unknown code apart."""
    expected = (stored or "-" * 8).encode()
    matched = False
    for candidate in keys:
        matched |= hmac.compare_digest(candidate.strip().upper().encode(), expected)
    return matched and stored is not None


async def tracked_row(conn: asyncpg.Connection, code: str, key: str | None) -> DossierRow:
    """The dossier a code and its lookup key name; a wrong key raises exactly like an unknown code."""
    # typed from paper: any case
    row = await fetch_one_as(DossierRow, conn, queries.GET_DOSSIER_BY_CODE, code.strip().upper())
    if not key_matches(row.lookup_key if row is not None else None, [key or ""]) or row is None:
        raise NotFoundError("dossier-not-found")
    return row


async def public_history(conn: asyncpg.Connection, dossier_id: uuid.UUID) -> list[HistoryRow]:
    """The history anyone with the key sees: every step after the draft."""
    steps = await fetch_all_as(HistoryRow, conn, queries.LIST_HISTORY, dossier_id)
    return [r for r in steps if r.to_status is not DossierStatus.DRAFT]


def tracking_of(showing: Showing, row: DossierRow, steps: list[HistoryRow], locale: str) -> Tracking:
    procedure = procedure_of(showing.catalog, row.procedure_slug)
    status = row.status
    assert row.code is not None  # found by its code
    return Tracking(
        code=row.code,
        procedure=Ref(slug=procedure.slug, name=procedure.names.pick(locale)),
        agency=agency_ref(showing.offices, row.agency_code, locale),
        status=status,
        status_label=status_label(status, locale),
        appointment_date=row.appointment_date,
        applicant_name=mask_name(row.applicant_name),
        history=[
            TrackHistoryItem(status=r.to_status, status_label=status_label(r.to_status, locale), at=r.at) for r in steps
        ],
    )


async def track(conn: asyncpg.Connection, showing: Showing, code: str, key: str | None, locale: str) -> Tracking:
    row = await tracked_row(conn, code, key)
    return tracking_of(showing, row, await public_history(conn, row.id), locale)


async def rate(
    conn: asyncpg.Connection, clock: Clock, principal: Principal, dossier_id: uuid.UUID, body: RatingIn
) -> Rating:
    if not 1 <= body.score <= 5:
        raise ValidationError([("score", "score-range", {})])
    async with conn.transaction():
        row = await load(conn, principal, dossier_id, lock=True)
        if row.status is not DossierStatus.RETURNED:
            raise ConflictError("conflict")
        now = clock.now()
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
