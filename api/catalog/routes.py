"""Catalog routes: search and detail (public, on the day asked), version history (officers), upkeep (admins)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.enums import MediaType
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.types import ControllerRouterHandler

from api.catalog import service
from api.catalog.answers import detail_key, list_key
from api.catalog.models import OnlineService, Procedure
from api.catalog.refresh import announce
from api.catalog.service import Catalog
from api.catalog.validation import FIRST_DAY, LAST_DAY
from api.catalog.views import ProcedureDetail, ProcedureSummary, detail, summary
from api.deps import Ctx
from core import offload
from core.clock import today_in_vn
from core.errors import NotFoundError, ValidationError
from core.guards import admin_only, officer_only, public
from core.injected import Caller, Conn, Locale
from core.openapi import problems
from core.paging import Page, Paging, PagingQuery, SearchText

On = Annotated[
    date | None,
    QueryParameter(description="The day whose law applies (YYYY-MM-DD); default today in Vietnam"),
]


def _day(ctx: Ctx, on: date | None) -> date:
    if on is None:
        return today_in_vn(ctx.clock)
    if not FIRST_DAY <= on <= LAST_DAY:
        raise ValidationError([("on", "invalid-date", {})])
    return on


def _detail(ctx: Ctx, slug: str, day: date, locale: str) -> ProcedureDetail:
    catalog = ctx.catalog
    procedure = catalog.get(slug)
    if procedure is None:
        raise NotFoundError("procedure-not-found", slug=slug)
    resolved = catalog.resolved(slug, day)
    kind = catalog.kinds.get(resolved.agency)
    return detail(procedure, resolved, kind, locale, version=catalog.versions.get(slug, 1))


def json_answer(body: bytes) -> Response[Any]:
    """Bytes already encoded (api/catalog/answers.py), sent as the JSON they are."""
    return Response(body, media_type=MediaType.JSON)


async def _found(catalog: Catalog, q: str | None) -> list[Procedure]:
    """The procedures `q` finds, best first; the whole catalog in its order without one."""
    if q and q.strip():
        return [catalog.by_slug[slug] for slug, _ in await offload.by_length(catalog.index.search, q)]
    return list(catalog.procedures)


@dataclass(frozen=True)
class _Filters:
    agency: str | None
    online: OnlineService | None


def _page(
    catalog: Catalog, found: list[Procedure], day: date, filters: _Filters, locale: str, paging: Paging
) -> Page[ProcedureSummary]:
    facts = catalog.on(day)
    kept = [
        p
        for p in found
        if (filters.agency is None or facts[p.slug].agency == filters.agency)
        and (filters.online is None or p.online is filters.online)
    ]
    items = [summary(p, facts[p.slug], catalog.kinds.get(facts[p.slug].agency), locale) for p in paging.window(kept)]
    return Page(items=items, total=len(kept))


class ProcedureController(Controller):
    path = "/api/v1/procedures"
    tags = ["catalog"]
    guards = [public]

    @get(
        "/",
        operation_id="listProcedures",
        responses=problems(422),
        summary="Find procedures; q matches with or without diacritics; fees as on the day asked",
    )
    async def list_procedures(
        self,
        ctx: Ctx,
        locale: Locale,
        q: SearchText = None,
        agency: FromQuery[str | None] = None,
        online: FromQuery[OnlineService | None] = None,
        on: On = None,
        *,
        paging: PagingQuery,
    ) -> Response[Page[ProcedureSummary]]:
        day = _day(ctx, on)
        catalog = ctx.catalog
        key = list_key(q, agency, online, day, locale, paging.limit, paging.offset)
        answer = catalog.answers.get(key)
        if answer is None:
            found = await _found(catalog, q)
            answer = catalog.answers.keep(key, _page(catalog, found, day, _Filters(agency, online), locale, paging))
        return json_answer(answer)

    @get(
        "/{slug:str}",
        operation_id="getProcedure",
        responses=problems(404, 422),
        summary="One procedure with its requirements, form, sources and the fee lines in force on the day asked",
    )
    async def get_procedure(
        self, slug: FromPath[str], ctx: Ctx, locale: Locale, on: On = None
    ) -> Response[ProcedureDetail]:
        day = _day(ctx, on)
        key = detail_key(slug, day, locale)
        answer = ctx.catalog.answers.get(key)
        if answer is None:
            answer = ctx.catalog.answers.keep(key, _detail(ctx, slug, day, locale))
        return json_answer(answer)


class ChangedBy(msgspec.Struct, frozen=True):
    id: uuid.UUID | None
    role: str


class ProcedureVersion(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    changed_at: datetime
    changed_by: ChangedBy
    fields: list[str]


@get(
    "/api/v1/procedures/{slug:str}/versions",
    guards=[officer_only],
    operation_id="listProcedureVersions",
    responses=problems(401, 403, 404, 422),
    summary="Who changed a procedure, when, and which fields (newest first; officers and admins)",
    tags=["catalog"],
)
async def list_procedure_versions(
    slug: FromPath[str], caller: Caller, ctx: Ctx, conn: Conn, *, paging: PagingQuery
) -> Page[ProcedureVersion]:
    if ctx.catalog.get(slug) is None:
        raise NotFoundError("procedure-not-found", slug=slug)
    rows, total = await service.list_versions(conn, slug, paging)
    items = [
        ProcedureVersion(
            version=r.version,
            changed_at=r.changed_at,
            changed_by=ChangedBy(id=r.changed_by, role=r.role),
            fields=r.fields,
        )
        for r in rows
    ]
    return Page(items=items, total=total)


def _editor(caller: Caller) -> service.Editor:
    return service.Editor(role="admin", user_id=caller.user_id)


@put(
    "/api/v1/admin/procedures/{slug:str}",
    guards=[admin_only],
    operation_id="replaceProcedure",
    responses=problems(401, 403, 404, 422),
    summary="Replace a procedure with a new version (the shape of `motcua catalog export`; admins)",
    tags=["catalog"],
)
async def replace_procedure(
    slug: FromPath[str], data: JSONBody[Procedure], caller: Caller, ctx: Ctx, conn: Conn, locale: Locale
) -> ProcedureDetail:
    today = today_in_vn(ctx.clock)
    await service.replace_procedure(
        conn, data, slug=slug, kinds=ctx.catalog.kinds, editor=_editor(caller), now=ctx.clock.now(), today=today
    )
    await announce(ctx)
    return _detail(ctx, slug, today, locale)


@post(
    "/api/v1/admin/procedures",
    guards=[admin_only],
    operation_id="addProcedure",
    responses=problems(401, 403, 409, 422),
    summary="Add a procedure to the catalog (admins)",
    tags=["catalog"],
)
async def add_procedure(
    data: JSONBody[Procedure], caller: Caller, ctx: Ctx, conn: Conn, locale: Locale
) -> ProcedureDetail:
    today = today_in_vn(ctx.clock)
    await service.add_procedure(
        conn, data, kinds=ctx.catalog.kinds, editor=_editor(caller), now=ctx.clock.now(), today=today
    )
    await announce(ctx)
    return _detail(ctx, data.slug, today, locale)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [
    ProcedureController,
    list_procedure_versions,
    replace_procedure,
    add_procedure,
]
