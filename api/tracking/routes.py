"""Public status by code and lookup key (no sign-in): the JSON route and the page the receipt QR opens."""

from __future__ import annotations

from litestar import Response, get
from litestar.params import FromPath, FromQuery
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from api.dossiers import receipts
from api.dossiers.views import Tracking
from api.tracking import page, service
from core.errors import NotFoundError
from core.guards import public
from core.injected import Conn, Locale, Throttle
from core.openapi import problems
from core.pages import html_page
from i18n.html import switch_query


@get(
    "/api/v1/track/{code:str}",
    guards=[public],
    operation_id="trackDossier",
    responses=problems(404, 429),
    summary="Public status by code and key",
    tags=["tracking"],
)
async def track(
    code: FromPath[str], throttle: Throttle, ctx: Ctx, conn: Conn, locale: Locale, key: FromQuery[str | None] = None
) -> Tracking:
    await throttle("track")
    return await receipts.track(conn, ctx.showing, code, key, locale)


async def _tracking_answer(
    throttle: Throttle, ctx: Ctx, conn: Conn, locale: Locale, code: str, key: str | None, switch: str
) -> Response[str]:
    await throttle("track")
    try:
        view = await service.tracking_page(conn, ctx.showing, code, key, locale)
    except NotFoundError:
        return html_page(page.not_found(locale, hotline=ctx.settings.hotline), 404)
    return html_page(page.tracking(view, locale, switch=switch, hotline=ctx.settings.hotline))


@get(
    "/t/{code:str}",
    guards=[public],
    operation_id="trackingPage",
    responses=problems(429, pages=(404,)),
    summary="Tracking page opened by the receipt QR",
    tags=["tracking"],
    media_type="text/html",
)
async def tracking_page(
    code: FromPath[str], throttle: Throttle, ctx: Ctx, conn: Conn, locale: Locale, key: FromQuery[str | None] = None
) -> Response[str]:
    return await _tracking_answer(throttle, ctx, conn, locale, code, key, switch_query({"key": key}, locale))


@get(
    "/t",
    guards=[public],
    operation_id="trackingLookupPage",
    responses=problems(429, pages=(404,)),
    summary="Tracking by the code and key typed from a paper receipt (the form, or its answer)",
    tags=["tracking"],
    media_type="text/html",
)
async def tracking_lookup_page(
    throttle: Throttle,
    ctx: Ctx,
    conn: Conn,
    locale: Locale,
    code: FromQuery[str | None] = None,
    key: FromQuery[str | None] = None,
) -> Response[str]:
    if not code:
        return html_page(page.lookup(locale, hotline=ctx.settings.hotline))
    switch = switch_query({"code": code, "key": key}, locale)
    return await _tracking_answer(throttle, ctx, conn, locale, code, key, switch)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [track, tracking_page, tracking_lookup_page]
