"""Dependency providers: the context, a pooled connection, the caller and their language."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from api.context import AppContext
from api.problems import request_locale
from assistant.channels.service import ChannelInbox
from core.auth import Principal, Role
from core.db import acquire
from core.errors import ForbiddenError, UnauthorizedError
from core.guards import principal_of
from core.injected import Caller
from payments.service import PaymentsContext

# Handler parameters name the dependency they take (Litestar injects by name).
Ctx = NamedDependency[AppContext]


def provide_ctx(state: State) -> AppContext:
    ctx: Ctx = state.ctx
    return ctx


async def provide_conn(ctx: Ctx) -> AsyncGenerator[asyncpg.Connection, None]:
    async with acquire(ctx.pool) as conn:
        yield conn


def _bearer(request: Request[Any, Any, Any]) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def provide_principal(request: Request[Any, Any, Any], ctx: Ctx) -> Principal:
    # the one reading of tokens (core/guards.py), so a disabled account is refused here too
    principal = principal_of(request)
    if principal is None:
        raise UnauthorizedError()
    return principal


def provide_maybe_principal(request: Request[Any, Any, Any], ctx: Ctx) -> Principal | None:
    """The caller if a valid token came, else None (routes open to everyone but richer signed in)."""
    if _bearer(request) is None:
        return None
    return provide_principal(request, ctx)


def provide_citizen(principal: Caller) -> Principal:
    if principal.role is not Role.CITIZEN:
        raise ForbiddenError()
    return principal


def provide_officer(principal: Caller) -> Principal:
    if principal.role not in {Role.OFFICER, Role.ADMIN}:
        raise ForbiddenError()
    return principal


def provide_caller(request: Request[Any, Any, Any]) -> Principal:
    """The principal the route's guard already checked (core/guards.py)."""
    principal = principal_of(request)
    if principal is None:  # a route that takes `caller` must carry a guard that signs in
        raise UnauthorizedError()
    return principal


def provide_maybe_caller(request: Request[Any, Any, Any]) -> Principal | None:
    return principal_of(request)


def provide_locale(request: Request[Any, Any, Any]) -> str:
    return request_locale(request)


def provide_payments(state: State) -> PaymentsContext:
    payments: PaymentsContext = state.payments
    return payments


def provide_now(ctx: Ctx) -> datetime:
    return ctx.clock.now()


def provide_channel_inbox(state: State) -> ChannelInbox:
    inbox: ChannelInbox = state.channel_inbox
    return inbox


DEPENDENCIES = {
    "channel_inbox": Provide(provide_channel_inbox, sync_to_thread=False),
    "maybe_principal": Provide(provide_maybe_principal, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "payments": Provide(provide_payments, sync_to_thread=False),
    "ctx": Provide(provide_ctx, sync_to_thread=False),
    "conn": Provide(provide_conn),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "caller": Provide(provide_caller, sync_to_thread=False),
    "maybe_caller": Provide(provide_maybe_caller, sync_to_thread=False),
    "citizen": Provide(provide_citizen, sync_to_thread=False),
    "officer": Provide(provide_officer, sync_to_thread=False),
    "locale": Provide(provide_locale, sync_to_thread=False),
}
