"""Catalog routes: search and detail. Public."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromPath, FromQuery

from api.catalog.models import OnlineService
from api.catalog.views import ProcedureDetail, ProcedureSummary, detail, summary
from api.deps import Ctx
from api.pages import Page, Paging
from core import offload
from core.errors import NotFoundError
from core.guards import public
from core.injected import Locale
from core.openapi import problems
from core.paging import Limit, Offset, SearchText


class ProcedureController(Controller):
    path = "/api/v1/procedures"
    tags = ["catalog"]
    guards = [public]

    @get(
        "/",
        operation_id="listProcedures",
        responses=problems(422),
        summary="Find procedures; q matches with or without diacritics",
    )
    async def list_procedures(
        self,
        ctx: Ctx,
        locale: Locale,
        q: SearchText = None,
        agency: FromQuery[str | None] = None,
        online: FromQuery[OnlineService | None] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Page[ProcedureSummary]:
        paging = Paging.of(limit, offset)
        catalog = ctx.catalog
        if q and q.strip():
            found = [catalog.by_slug[slug] for slug, _ in await offload.by_length(catalog.index.search, q)]
        else:
            found = list(catalog.procedures)
        found = [p for p in found if (agency is None or p.agency == agency) and (online is None or p.online is online)]
        page = found[paging.offset : paging.offset + paging.limit]
        return Page(items=[summary(p, catalog.kinds.get(p.agency), locale) for p in page], total=len(found))

    @get(
        "/{slug:str}",
        operation_id="getProcedure",
        responses=problems(404),
        summary="One procedure with its requirements and form",
    )
    async def get_procedure(self, slug: FromPath[str], ctx: Ctx, locale: Locale) -> ProcedureDetail:
        procedure = ctx.catalog.get(slug)
        if procedure is None:
            raise NotFoundError("procedure-not-found", slug=slug)
        return detail(procedure, ctx.catalog.kinds.get(procedure.agency), locale)
