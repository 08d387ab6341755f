"""Telling officers a deadline is about to pass: the worker's periodic scan, one event per deadline,
and one digest per office for the deadlines missed long ago."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import asyncpg

from api.catalog.service import Catalog
from api.dossiers import queries
from api.dossiers.reads import procedure_of
from api.dossiers.rows import BacklogRow, ProcessingWarningRow, ReceptionWarningRow, WarningRow
from core.clock import VN_TZ, Clock, today_in_vn
from core.db import acquire, fetch_all_as
from core.events import DeadlineApproaching, DeadlineBacklog, EventBus

BATCH = 200


@dataclass(frozen=True)
class DeadlineWatch:
    """What the scan uses: the pool and the clock, the bus its events go on, the catalog that names the
    procedures, the offices' closing time (a processing deadline ends then) and MOTCUA_DEADLINE_ALERT_DAYS."""

    pool: asyncpg.Pool
    clock: Clock
    bus: EventBus
    catalog: Catalog
    closing: time
    alert_days: int


def _event(
    catalog: Catalog,
    row: WarningRow,
    deadline: Literal["reception", "processing"],
    due_at: datetime,
    now: datetime,
) -> DeadlineApproaching:
    procedure = procedure_of(catalog, row.procedure_slug)
    return DeadlineApproaching(
        event_id=uuid.uuid4(),
        occurred_at=now,
        dossier_id=row.id,
        code=row.code,
        agency_code=row.agency_code,
        procedure_slug=procedure.slug,
        procedure_names={"vi": procedure.names.vi, "en": procedure.names.en},
        status=row.status,
        deadline=deadline,
        due_at=due_at,
    )


async def _digest_backlog(conn: asyncpg.Connection, watch: DeadlineWatch, now: datetime) -> int:
    """Deadlines missed more than MOTCUA_DEADLINE_ALERT_DAYS ago and never announced: one digest per
    office and deadline instead of an alert per dossier (an office with hundreds of dossiers overdue
    for months before the worker first ran would get hundreds of pushes, a few every minute)."""
    if not await conn.fetchval(queries.BACKLOG_LOCK):
        return 0
    window = timedelta(days=watch.alert_days)
    told = 0
    backlogs: tuple[tuple[Literal["reception", "processing"], str, datetime | date], ...] = (
        ("reception", queries.RECEPTION_BACKLOG, now - window),
        ("processing", queries.PROCESSING_BACKLOG, today_in_vn(watch.clock) - window),
    )
    for deadline, sql, before in backlogs:
        for row in await fetch_all_as(BacklogRow, conn, sql, now, before):
            await watch.bus.publish(
                conn,
                DeadlineBacklog(
                    event_id=uuid.uuid4(),
                    occurred_at=now,
                    agency_code=row.agency_code,
                    deadline=deadline,
                    dossiers=row.dossiers,
                    oldest_due=row.oldest_due,
                ),
            )
            told += row.dossiers
    return told


async def warn_of_deadlines(watch: DeadlineWatch) -> int:
    """Online submissions whose reception deadline is near (MOTCUA_RECEPTION_WARNING_MINUTES of
    office time left), and received dossiers on their appointment day without a result, or that
    missed it recently; older misses go into one digest per office. Each deadline is announced
    once: the row is marked in the transaction that writes the event. Returns the dossiers told of."""
    now = watch.clock.now()
    async with acquire(watch.pool) as conn, conn.transaction():
        told = await _digest_backlog(conn, watch, now)
        reception = await fetch_all_as(ReceptionWarningRow, conn, queries.RECEPTION_WARNINGS_DUE, now, BATCH)
        for row in reception:
            await watch.bus.publish(conn, _event(watch.catalog, row, "reception", row.reception_due_at, now))
        await conn.execute(queries.MARK_RECEPTION_WARNED, [r.id for r in reception], now)
        processing = await fetch_all_as(
            ProcessingWarningRow, conn, queries.PROCESSING_WARNINGS_DUE, today_in_vn(watch.clock), BATCH
        )
        for late in processing:
            due_at = datetime.combine(late.appointment_date, watch.closing, VN_TZ)
            await watch.bus.publish(conn, _event(watch.catalog, late, "processing", due_at, now))
        await conn.execute(queries.MARK_PROCESSING_WARNED, [r.id for r in processing], now)
        return told + len(reception) + len(processing)
