"""Opening a hand-off (which office can answer it, the row officers list, the event that alerts them),
listing and closing them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from api.agencies.service import OfficeDirectory
from api.catalog.service import Catalog
from api.dossiers.models import ACTIVE
from api.handoffs import queries
from api.handoffs.queries import HandoffRow, OpenedRow
from core.auth import Principal, Role
from core.clock import Clock
from core.db import acquire, fetch_all_as, fetch_one_as
from core.errors import ConflictError, NotFoundError
from core.events import EventBus, HandoffOpened
from core.paging import Paging

_ACTIVE = sorted(s.value for s in ACTIVE)


async def handoff_office(
    conn: asyncpg.Connection,
    catalog: Catalog,
    offices: OfficeDirectory,
    *,
    user_id: uuid.UUID | None,
    procedure_slug: str | None,
    dossier_code: str | None,
) -> str | None:
    """The office of the dossier the conversation is about (a code the citizen gave, else the signed-in
    citizen's active dossier of the procedure), else the procedure's office when the province has only
    one of its kind (a department), else None: the province-wide queue."""
    if dossier_code is not None:
        office: str | None = await conn.fetchval(queries.OFFICE_OF_CODE, dossier_code)
        if office is not None:
            return office
    procedure = catalog.by_slug.get(procedure_slug) if procedure_slug else None
    if procedure is None:
        return None
    if user_id is not None:
        office = await conn.fetchval(queries.OFFICE_OF_OWN_DOSSIER, user_id, procedure.slug, _ACTIVE)
        if office is not None:
            return office
    sole = offices.sole(procedure.agency)
    return sole.code if sole is not None else None


async def open_handoff(
    desk: HandoffRecords,
    *,
    session_id: str,
    user_id: uuid.UUID | None,
    message: str,
    procedure_slug: str | None,
    channel: str,
    dossier_code: str | None = None,
) -> uuid.UUID:
    """One open hand-off per conversation: asking again keeps the first one, its office and its alert."""
    now = desk.clock.now()
    procedure = desk.catalog.by_slug.get(procedure_slug) if procedure_slug else None
    async with acquire(desk.pool) as conn, conn.transaction():
        office = await handoff_office(
            conn, desk.catalog, desk.offices, user_id=user_id, procedure_slug=procedure_slug, dossier_code=dossier_code
        )
        row = await fetch_one_as(
            OpenedRow,
            conn,
            queries.OPEN_HANDOFF,
            uuid.uuid4(),
            session_id,
            user_id,
            message,
            procedure_slug,
            now,
            channel,
            office,
        )
        assert row is not None  # ON CONFLICT DO UPDATE returns the row either way
        if row.inserted:
            event = HandoffOpened(
                event_id=uuid.uuid4(),
                occurred_at=now,
                handoff_id=row.id,
                session_id=session_id,
                channel=channel,
                agency_code=office,
                procedure_slug=procedure_slug,
                procedure_names={"vi": procedure.names.vi, "en": procedure.names.en} if procedure else {},
                message=message,
            )
            await desk.bus.publish(conn, event)
    return row.id


def _visible_to(officer: Principal) -> tuple[bool, list[str]]:
    """The last two parameters of the statements that filter by who may see a hand-off: every office
    for an admin, else the officer's offices (and the province-wide queue, which the SQL always adds)."""
    return officer.role is Role.ADMIN, list(officer.agencies)


async def list_handoffs(
    conn: asyncpg.Connection, officer: Principal, *, status: str | None, paging: Paging
) -> tuple[list[HandoffRow], int]:
    """Oldest first, with how many match."""
    rows = await fetch_all_as(
        HandoffRow, conn, queries.LIST_HANDOFFS, status, paging.limit, paging.offset, *_visible_to(officer)
    )
    return rows, rows[0].total if rows else 0


async def close_handoff(conn: asyncpg.Connection, officer: Principal, handoff_id: uuid.UUID, now: datetime) -> None:
    visible = _visible_to(officer)
    if await conn.fetchval(queries.CLOSE_HANDOFF, handoff_id, now, officer.user_id, *visible) is None:
        if not await conn.fetchval(queries.IS_VISIBLE, handoff_id, *visible):
            raise NotFoundError("handoff-not-found")
        raise ConflictError("conflict")


@dataclass(frozen=True)
class HandoffRecords:
    """The assistant's HandoffDesk (assistant/ports.py): the hand-offs it opens are rows officers list,
    written with the pool and the clock, announced on the bus; the catalog and the offices say which
    office can answer."""

    pool: asyncpg.Pool
    clock: Clock
    bus: EventBus
    catalog: Catalog
    offices: OfficeDirectory

    async def open(
        self,
        *,
        session_id: str,
        user_id: uuid.UUID | None,
        message: str,
        procedure_slug: str | None,
        channel: str = "app",
        dossier_code: str | None = None,
    ) -> None:
        await open_handoff(
            self,
            session_id=session_id,
            user_id=user_id,
            message=message,
            procedure_slug=procedure_slug,
            channel=channel,
            dossier_code=dossier_code,
        )
