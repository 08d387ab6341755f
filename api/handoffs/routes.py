"""Officers see the conversations the assistant handed to their offices or to the province-wide
queue, and close them once answered; admins see them all."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Body, FromPath, FromQuery
from litestar.types import ControllerRouterHandler

from api.agencies.service import OfficeDirectory
from api.deps import Ctx
from api.dossiers.reads import agency_ref
from api.handoffs import service
from api.handoffs.models import Handoff
from api.handoffs.queries import HandoffRow
from core.guards import officer_only
from core.injected import Caller, Conn, Locale, Now
from core.openapi import problems
from core.paging import Page, PagingQuery

# Litestar names a page's schema after its item's module, which was api/officer/handoffs.py when the
# published OpenAPI document, and the clients generated from it, first named this one
HandoffPage = Annotated[Page[Handoff], Body(schema_component_key="Page_api.officer.handoffs.Handoff_")]


def _handoff(offices: OfficeDirectory, row: HandoffRow, locale: str) -> Handoff:
    return Handoff(
        id=row.id,
        session_id=row.session_id,
        channel=row.channel,
        message=row.message,
        procedure=row.procedure_slug,
        phone=row.phone,
        agency=None if row.agency_code is None else agency_ref(offices, row.agency_code, locale),
        status=row.status,
        created_at=row.created_at,
        closed_at=row.closed_at,
    )


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
        *,
        paging: PagingQuery,
    ) -> HandoffPage:
        rows, total = await service.list_handoffs(conn, caller, status=status, paging=paging)
        return Page(items=[_handoff(ctx.offices, row, locale) for row in rows], total=total)

    @post(
        "/{handoff_id:uuid}/close",
        status_code=204,
        operation_id="closeHandoff",
        responses=problems(404, 409),
        summary="Mark as answered",
    )
    async def close(self, handoff_id: FromPath[uuid.UUID], conn: Conn, caller: Caller, now: Now) -> None:
        await service.close_handoff(conn, caller, handoff_id, now)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [HandoffController]
