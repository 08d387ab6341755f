"""The province's one-stop system moves our dossiers through the same state machine, once per event."""

from __future__ import annotations

import asyncpg
import msgspec

from api.dossiers import lifecycle, reads
from api.dossiers.models import Actor, OfficerActionIn
from api.dossiers.queries import GET_DOSSIER, GET_DOSSIER_BY_CODE
from api.dossiers.rows import DossierRow
from api.onestop import queries
from api.onestop.models import OneStopEvent
from core.db import fetch_one_as
from core.errors import NotFoundError


async def apply_event(
    conn: asyncpg.Connection, moving: lifecycle.Moving, showing: reads.Showing, event: OneStopEvent, locale: str
) -> dict[str, object]:
    """The dossier as JSON after the event; a replayed event_id answers as the first time did."""
    async with conn.transaction():
        row = await conn.fetchrow(GET_DOSSIER_BY_CODE, event.dossier_code.strip())
        if row is None:
            raise NotFoundError("dossier-not-found")
        claimed = await conn.fetchval(queries.CLAIM_EVENT, event.event_id, row["id"], moving.clock.now())
        if claimed is None:
            stored: dict[str, object] = await conn.fetchval(queries.GET_EVENT_RESPONSE, event.event_id)
            return stored
        actor = event.actor
        name = actor.name if actor and actor.name else None
        await lifecycle.act(
            conn,
            moving,
            row["id"],
            OfficerActionIn(action=event.action, note=event.note, reason=event.reason, missing=event.missing),
            actor=lifecycle.ActorInfo(
                role=Actor.OFFICER,
                user_id=None,
                name=name,
                source="one-stop",
                external_id=actor.id if actor and actor.id else None,
                on_record={"event_id": event.event_id},
            ),
            principal=None,
        )
        updated = await fetch_one_as(DossierRow, conn, GET_DOSSIER, row["id"])
        assert updated is not None
        view = await reads.view(conn, showing, updated, locale)
        response: dict[str, object] = msgspec.to_builtins(view)
        await conn.execute(queries.SET_EVENT_RESPONSE, event.event_id, response)
        return response
