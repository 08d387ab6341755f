"""Sign-in routes: one-time code, tokens, refresh, /me."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.types import ControllerRouterHandler

from api.accounts import service, vneid_routes
from api.accounts.models import Me, OtpRequest, OtpSent, RefreshRequest, TokenPair, TokenRequest
from api.accounts.phones import normalize_phone
from api.deps import Ctx
from core.errors import ValidationError
from core.guards import public, signed_in
from core.injected import Caller, Conn
from core.openapi import problems
from core.ratelimit import client_address


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValueError as exc:
        raise ValidationError([("phone", "invalid-phone", {})]) from exc


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]
    guards = [public]

    @post(
        "/otp",
        status_code=202,
        operation_id="requestOtp",
        responses=problems(422, 429),
        summary="Send a one-time sign-in code by SMS",
    )
    async def request_otp(self, data: JSONBody[OtpRequest], ctx: Ctx, request: Request[Any, Any, Any]) -> OtpSent:
        await service.request_otp(
            redis=ctx.redis,
            sms=ctx.sms,
            settings=ctx.settings,
            clock=ctx.clock,
            phone=_phone(data.phone),
            address=client_address(request),
        )
        return OtpSent(expires_in=ctx.settings.otp_ttl, resend_after=ctx.settings.otp_resend_seconds)

    @post(
        "/token",
        status_code=200,
        operation_id="issueToken",
        responses=problems(401, 422, 429),
        summary="Exchange a phone and its code for tokens",
    )
    async def token(self, data: JSONBody[TokenRequest], ctx: Ctx, conn: Conn) -> TokenPair:
        return await service.sign_in(
            conn,
            redis=ctx.redis,
            settings=ctx.settings,
            clock=ctx.clock,
            phone=_phone(data.phone),
            code=data.otp,
        )

    @post(
        "/refresh",
        status_code=200,
        operation_id="refreshToken",
        responses=problems(401, 422),
        summary="Rotate a refresh token",
    )
    async def refresh(self, data: JSONBody[RefreshRequest], ctx: Ctx, conn: Conn) -> TokenPair:
        return await service.refresh_tokens(conn, settings=ctx.settings, clock=ctx.clock, token=data.refresh_token)


@get(
    "/api/v1/me",
    guards=[signed_in],
    operation_id="getMe",
    responses=problems(404),
    summary="The signed-in user",
    tags=["accounts"],
)
async def get_me(caller: Caller, conn: Conn) -> Me:
    return await service.me(conn, caller)


# what this package serves, handed to the app whole by asgi.py
ROUTES: list[ControllerRouterHandler] = [AuthController, get_me, *vneid_routes.ROUTES]
