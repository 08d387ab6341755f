"""Listing the offices of the province."""

from __future__ import annotations

from litestar import get
from litestar.params import FromQuery
from litestar.types import ControllerRouterHandler

from api.agencies.models import AgencyOut
from api.catalog.models import Level
from api.deps import Ctx
from core.guards import public
from core.injected import Locale
from core.openapi import problems
from core.paging import Page, PagingQuery, SearchText


@get(
    "/api/v1/agencies",
    guards=[public],
    operation_id="listAgencies",
    responses=problems(422),
    summary="Offices of the province",
    tags=["catalog"],
)
async def list_agencies(
    ctx: Ctx,
    locale: Locale,
    q: SearchText = None,
    level: FromQuery[Level | None] = None,
    *,
    paging: PagingQuery,
) -> Page[AgencyOut]:
    found = ctx.offices.search(q, level)
    items = [
        AgencyOut(code=o.code, name=o.names.pick(locale), names=o.names, kind=o.kind, level=o.level, ward=o.ward)
        for o in paging.window(found)
    ]
    return Page(items=items, total=len(found))


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [list_agencies]
