"""Webhook of the province's one-stop system, signed with HMAC-SHA256 over timestamp and body."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, post

from api.deps import Conn, Ctx
from api.onestop.models import OneStopEvent
from api.onestop.service import apply_event
from api.problems import request_locale
from core.errors import DomainError, UnauthorizedError, ValidationError
from core.signing import verify


@post(
    "/api/v1/integrations/one-stop/events",
    status_code=200,
    operation_id="receiveOneStopEvent",
    summary="A dossier action taken in the province's one-stop system",
    tags=["integrations"],
)
async def one_stop_event(request: Request[Any, Any, Any], ctx: Ctx, conn: Conn) -> Response[Any]:
    body = await request.body()
    if not verify(
        ctx.settings.onestop_webhook_secret,
        timestamp=request.headers.get("x-motcua-timestamp"),
        signature=request.headers.get("x-motcua-signature"),
        body=body,
        now=ctx.clock.now().timestamp(),
        tolerance=ctx.settings.webhook_tolerance_seconds,
    ):
        raise UnauthorizedError("bad-signature")
    try:
        event = msgspec.json.decode(body, type=OneStopEvent)
    except msgspec.ValidationError as exc:
        raise ValidationError([("body", "invalid", {})]) from exc
    except msgspec.DecodeError as exc:
        raise DomainError("malformed-request", status=400, reason=str(exc)) from exc
    return Response(await apply_event(conn, ctx, event, request_locale(request)))
