"""Dependency providers: the context, a pooled connection, the caller, their language, the page asked for."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from api.context import AppContext
from api.problems import request_locale
from assistant.channels.service import ChannelInbox
from core.auth import Principal
from core.db import acquire
from core.errors import UnauthorizedError
from core.guards import CALLER, MAYBE_CALLER, principal_of
from core.paging import paging_from_query
from core.ratelimit import client_address
from payments.service import PaymentsContext

# Handler parameters name the dependency they take (Litestar injects by name).
Ctx = NamedDependency[AppContext]


def provide_ctx(state: State) -> AppContext:
    ctx: Ctx = state.ctx
    return ctx


async def provide_conn(ctx: Ctx) -> AsyncGenerator[asyncpg.Connection, None]:
    async with acquire(ctx.pool) as conn:
        yield conn


def provide_caller(request: Request[Any, Any, Any]) -> Principal:
    """The principal the route's guard already checked (core/guards.py)."""
    principal = principal_of(request)
    if principal is None:  # check_routes lets `caller` only under a rule that signs in; never anonymous
        raise UnauthorizedError()
    return principal


def provide_maybe_caller(request: Request[Any, Any, Any]) -> Principal | None:
    """The signed-in caller of a public route, or None; a bad token is 401, never anonymous."""
    return principal_of(request)


def provide_locale(request: Request[Any, Any, Any]) -> str:
    return request_locale(request)


def provide_payments(state: State) -> PaymentsContext:
    payments: PaymentsContext = state.payments
    return payments


def provide_now(ctx: Ctx) -> datetime:
    return ctx.clock.now()


def provide_throttle(ctx: Ctx, request: Request[Any, Any, Any]) -> Callable[[str], Awaitable[None]]:
    address = client_address(request)

    async def hit(bucket: str) -> None:
        await ctx.limiter.hit(bucket, address, ctx.settings.track_rate_per_minute)

    return hit


def provide_channel_inbox(state: State) -> ChannelInbox:
    inbox: ChannelInbox = state.channel_inbox
    return inbox


DEPENDENCIES = {
    "channel_inbox": Provide(provide_channel_inbox, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
    "payments": Provide(provide_payments, sync_to_thread=False),
    "ctx": Provide(provide_ctx, sync_to_thread=False),
    "conn": Provide(provide_conn),
    CALLER: Provide(provide_caller, sync_to_thread=False),
    MAYBE_CALLER: Provide(provide_maybe_caller, sync_to_thread=False),
    "locale": Provide(provide_locale, sync_to_thread=False),
    "paging": Provide(paging_from_query, sync_to_thread=False),
    "throttle": Provide(provide_throttle, sync_to_thread=False),
}
