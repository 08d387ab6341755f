"""Opening a hand-off: which office can answer it, the row officers list, the event that alerts them."""

from __future__ import annotations

import uuid

import asyncpg

from api.context import AppContext
from api.dossiers.models import ACTIVE
from api.officer import handoff_queries
from core.db import acquire
from core.events import HandoffOpened

_ACTIVE = sorted(s.value for s in ACTIVE)


async def handoff_office(
    conn: asyncpg.Connection,
    ctx: AppContext,
    *,
    user_id: uuid.UUID | None,
    procedure_slug: str | None,
    dossier_code: str | None,
) -> str | None:
    """The office of the dossier the conversation is about (a code the citizen gave, else the signed-in
    citizen's active dossier of the procedure), else the procedure's office when the province has only
    one of its kind (a department), else None: the province-wide queue."""
    if dossier_code is not None:
        office: str | None = await conn.fetchval(handoff_queries.OFFICE_OF_CODE, dossier_code)
        if office is not None:
            return office
    procedure = ctx.catalog.by_slug.get(procedure_slug) if procedure_slug else None
    if procedure is None:
        return None
    if user_id is not None:
        office = await conn.fetchval(handoff_queries.OFFICE_OF_OWN_DOSSIER, user_id, procedure.slug, _ACTIVE)
        if office is not None:
            return office
    sole = ctx.offices.sole(procedure.agency)
    return sole.code if sole is not None else None


async def open_handoff(
    ctx: AppContext,
    *,
    session_id: str,
    user_id: uuid.UUID | None,
    message: str,
    procedure_slug: str | None,
    channel: str,
    dossier_code: str | None = None,
) -> uuid.UUID:
    """One open hand-off per conversation: asking again keeps the first one, its office and its alert."""
    now = ctx.clock.now()
    procedure = ctx.catalog.by_slug.get(procedure_slug) if procedure_slug else None
    async with acquire(ctx.pool) as conn, conn.transaction():
        office = await handoff_office(
            conn, ctx, user_id=user_id, procedure_slug=procedure_slug, dossier_code=dossier_code
        )
        row = await conn.fetchrow(
            handoff_queries.OPEN_HANDOFF,
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
        if row["inserted"]:
            event = HandoffOpened(
                event_id=uuid.uuid4(),
                occurred_at=now,
                handoff_id=row["id"],
                session_id=session_id,
                channel=channel,
                agency_code=office,
                procedure_slug=procedure_slug,
                procedure_names={"vi": procedure.names.vi, "en": procedure.names.en} if procedure else {},
                message=message,
            )
            await ctx.bus.publish(conn, event)
    handoff_id: uuid.UUID = row["id"]
    return handoff_id
