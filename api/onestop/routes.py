"""Webhook of the province's one-stop system, signed with HMAC-SHA256 over timestamp and body."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.types import ControllerRouterHandler

from api.deps import Ctx
from api.dossiers.views import Dossier
from api.onestop.models import OneStopEvent
from api.onestop.service import apply_event
from api.problems import request_locale
from core.guards import signed_by_peer
from core.injected import Conn
from core.openapi import problems, signed_body
from core.signing import decode_signed


@post(
    "/api/v1/integrations/one-stop/events",
    guards=[signed_by_peer],
    status_code=200,
    operation_id="receiveOneStopEvent",
    # the answer is kept as JSON so that a replayed event gets exactly the first one
    responses={200: ResponseSpec(Dossier, description="The dossier after the event"), **problems(404, 409, 422)},
    summary="A dossier action taken in the province's one-stop system",
    tags=["integrations", "webhooks"],
    opt=signed_body(OneStopEvent),
)
async def one_stop_event(request: Request[Any, Any, Any], ctx: Ctx, conn: Conn) -> Response[Any]:
    event = decode_signed(
        await request.body(),
        request.headers,
        secret=ctx.settings.onestop_webhook_secret,
        now=ctx.clock.now().timestamp(),
        tolerance=ctx.settings.webhook_tolerance_seconds,
        type=OneStopEvent,
    )
    return Response(await apply_event(conn, ctx.moving, ctx.showing, event, request_locale(request)))


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [one_stop_event]
