"""Sign-in with VNeID: the redirect to the provider, its callback (a one-time ticket handed to the app by
deep link), the ticket's exchange for our token pair, and the verified applicant a dossier starts from."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler

from api.accounts import service
from api.accounts.models import ApplicantPrefill, TicketExchange, TokenPair
from api.accounts.oidc import OidcRefusedError, RelyingParty, redeem_ticket
from api.accounts.verified import applicant_of, sign_in_verified
from api.deps import Ctx
from core.errors import DomainError, NotFoundError, UnauthorizedError
from core.guards import public, signed_in
from core.injected import Caller, Conn, Throttle
from core.openapi import problems

log = logging.getLogger("motcua.accounts.vneid")


def _party(oidc: RelyingParty | None) -> RelyingParty:
    if oidc is None:
        raise NotFoundError("oidc-not-configured")
    return oidc


def _with_ticket(app_redirect: str, ticket: str) -> str:
    return f"{app_redirect}{'&' if '?' in app_redirect else '?'}{urlencode({'ticket': ticket})}"


class VneidController(Controller):
    path = "/api/v1/auth/oidc"
    tags = ["accounts"]
    guards = [public]

    @get(
        "/start",
        status_code=302,
        operation_id="startVneidSignIn",
        responses=problems(404, 429, 503),
        summary="Go to VNeID to sign in (authorization code flow with PKCE)",
    )
    async def start(self, ctx: Ctx, throttle: Throttle) -> Redirect:
        party = _party(ctx.oidc)
        await throttle("oidc")
        try:
            location = await party.start()
        except OidcRefusedError as exc:
            log.warning("VNeID sign-in could not start: %s", exc.reason)
            raise DomainError("oidc-unavailable", status=503) from exc
        return Redirect(location, status_code=302)

    @get(
        "/callback",
        status_code=302,
        operation_id="finishVneidSignIn",
        responses=problems(401, 404, 422, 429),
        summary="VNeID's answer: the app is sent a one-time ticket",
    )
    async def callback(
        self,
        ctx: Ctx,
        throttle: Throttle,
        code: Annotated[str | None, QueryParameter(max_length=2000)] = None,
        # `state` is a name Litestar keeps for the application's state; any length is looked up by its hash
        flow: Annotated[str | None, QueryParameter(name="state")] = None,
        error: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Redirect:
        party = _party(ctx.oidc)
        await throttle("oidc")
        try:
            if error is not None or not code or not flow:
                await party.forget(flow)  # a flow the citizen cancelled cannot be finished later
                raise OidcRefusedError(f"the provider answered {error or 'without a code'}")
            identity = await party.finish(code=code, state=flow)
        except OidcRefusedError as exc:
            log.info("VNeID sign-in refused: %s", exc.reason)
            raise UnauthorizedError("oidc-refused") from exc
        ticket = await sign_in_verified(ctx.pool, ctx.redis, keys=ctx.keys, identity=identity, now=ctx.clock.now())
        return Redirect(_with_ticket(ctx.settings.app_redirect, ticket), status_code=302)

    @post(
        "/exchange",
        status_code=200,
        operation_id="exchangeVneidTicket",
        responses=problems(401, 404, 422),
        summary="Exchange the one-time ticket for tokens",
    )
    async def exchange(self, data: JSONBody[TicketExchange], ctx: Ctx, conn: Conn) -> TokenPair:
        user_id = await redeem_ticket(ctx.redis, data.ticket)
        if user_id is None:
            raise UnauthorizedError("oidc-ticket-invalid")
        async with conn.transaction():
            return await service.issue_tokens(conn, user_id=user_id, settings=ctx.settings, clock=ctx.clock)


@get(
    "/api/v1/me/applicant",
    guards=[signed_in],
    operation_id="getMyApplicant",
    responses=problems(404),
    summary="The verified identity, to prefill a dossier's applicant",
    tags=["accounts"],
)
async def get_my_applicant(caller: Caller, ctx: Ctx, conn: Conn) -> ApplicantPrefill:
    return await applicant_of(conn, ctx.keys, caller.user_id)


ROUTES: list[ControllerRouterHandler] = [VneidController, get_my_applicant]
