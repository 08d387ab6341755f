"""Officers see the conversations the assistant handed to their offices or to the province-wide
queue, and close them once answered; admins see them all."""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from api.context import AppContext
from api.deps import Ctx
from api.dossiers.views import AgencyRef
from api.officer import handoff_queries
from api.pages import Page, Paging
from core.auth import Principal, Role
from core.errors import ConflictError, NotFoundError
from core.guards import officer_only
from core.injected import Caller, Conn, Locale, Now
from core.openapi import problems
from core.paging import Limit, Offset


class Handoff(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    session_id: str
    channel: str
    message: str
    procedure: str | None
    phone: str | None
    agency: AgencyRef | None  # None: the province-wide queue
    status: str
    created_at: datetime
    closed_at: datetime | None


def _scope(officer: Principal) -> tuple[bool, list[str]]:
    return officer.role is Role.ADMIN, list(officer.agencies)


def _agency(ctx: AppContext, code: str | None, locale: str) -> AgencyRef | None:
    if code is None:
        return None
    office = ctx.offices.get(code)
    return AgencyRef(code=code, name=office.names.pick(locale) if office else code)


class HandoffController(Controller):
    path = "/api/v1/officer/handoffs"
    tags = ["officer"]
    guards = [officer_only]

    @get(
        "/",
        operation_id="listHandoffs",
        responses=problems(422),
        summary="Conversations the assistant handed to a person",
    )
    async def list_handoffs(
        self,
        conn: Conn,
        caller: Caller,
        ctx: Ctx,
        locale: Locale,
        status: FromQuery[str | None] = "open",
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Page[Handoff]:
        paging = Paging.of(limit, offset)
        rows = await conn.fetch(handoff_queries.LIST_HANDOFFS, status, paging.limit, paging.offset, *_scope(caller))
        items = [
            Handoff(
                id=r["id"],
                session_id=r["session_id"],
                channel=r["channel"],
                message=r["message"],
                procedure=r["procedure_slug"],
                phone=r["phone"],
                agency=_agency(ctx, r["agency_code"], locale),
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
        responses=problems(404, 409),
        summary="Mark as answered",
    )
    async def close(self, handoff_id: FromPath[uuid.UUID], conn: Conn, caller: Caller, now: Now) -> None:
        scope = _scope(caller)
        if await conn.fetchval(handoff_queries.CLOSE_HANDOFF, handoff_id, now, caller.user_id, *scope) is None:
            if not await conn.fetchval(handoff_queries.IS_VISIBLE, handoff_id, *scope):
                raise NotFoundError("handoff-not-found")
            raise ConflictError("conflict")
