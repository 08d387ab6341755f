"""Officers see the conversations the assistant handed over, and close them once answered."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from api.officer import handoff_queries
from api.pages import Page, Paging
from core.errors import ConflictError
from core.injected import Caller, Conn, Now
from core.openapi import problems
from core.paging import Limit, Offset


class Handoff(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    session_id: str
    channel: str
    message: str
    procedure: str | None
    phone: str | None
    status: str
    created_at: datetime
    closed_at: datetime | None


class HandoffController(Controller):
    path = "/api/v1/officer/handoffs"
    tags = ["officer"]

    @get(
        "/",
        operation_id="listHandoffs",
        responses=problems(422),
        summary="Conversations the assistant handed to a person",
    )
    async def list_handoffs(
        self,
        conn: Conn,
        officer: Caller,
        status: FromQuery[str | None] = "open",
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Page[Handoff]:
        paging = Paging.of(limit, offset)
        rows = await conn.fetch(handoff_queries.LIST_HANDOFFS, status, paging.limit, paging.offset)
        items = [
            Handoff(
                id=r["id"],
                session_id=r["session_id"],
                channel=r["channel"],
                message=r["message"],
                procedure=r["procedure_slug"],
                phone=r["phone"],
                status=r["status"],
                created_at=r["created_at"],
                closed_at=r["closed_at"],
            )
            for r in rows
        ]
        return Page(items=items, total=rows[0]["total"] if rows else 0)

    @post(
        "/{handoff_id:uuid}/close",
        status_code=204,
        operation_id="closeHandoff",
        responses=problems(409),
        summary="Mark as answered",
    )
    async def close(self, handoff_id: FromPath[uuid.UUID], conn: Conn, officer: Caller, now: Now) -> None:
        if await conn.fetchval(handoff_queries.CLOSE_HANDOFF, handoff_id, now, officer.user_id) is None:
            raise ConflictError("conflict")
